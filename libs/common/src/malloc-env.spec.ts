import { MALLOC_ENV, withMallocEnv } from './malloc-env';

describe('withMallocEnv', () => {
  it('fills in the malloc settings and keeps everything else', () => {
    expect(withMallocEnv({ PORT: '5000' })).toEqual({ PORT: '5000', MALLOC_TRIM_THRESHOLD_: '33554432', MALLOC_ARENA_MAX: '2' });
    expect(MALLOC_ENV.MALLOC_TRIM_THRESHOLD_).toBe(String(32 * 1024 * 1024));
  });

  it('leaves a setting the environment already has to the environment', () => {
    expect(withMallocEnv({ MALLOC_ARENA_MAX: '8' }).MALLOC_ARENA_MAX).toBe('8');
  });
});
