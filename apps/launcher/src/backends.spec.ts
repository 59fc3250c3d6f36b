import { checkPostgres, checkRedis } from './backends';
import { describeError, StartupError } from './startup-error';

// Port 1 on loopback refuses connections immediately: the checks must fail fast with one clean line.
describe('reachability checks', () => {
  it('names Redis, hides the password and gives the cause', async () => {
    const failure = checkRedis('redis://:s3cret@127.0.0.1:1');
    await expect(failure).rejects.toThrow(StartupError);
    await expect(failure).rejects.toThrow('cannot reach Redis at redis://:***@127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1');
  });

  it('names PostgreSQL, hides the password and gives the cause', async () => {
    const failure = checkPostgres('postgres://app:s3cret@127.0.0.1:1/cargohold');
    await expect(failure).rejects.toThrow(StartupError);
    await expect(failure).rejects.toThrow('cannot reach PostgreSQL at postgres://app:***@127.0.0.1:1/cargohold: connect ECONNREFUSED 127.0.0.1:1');
  });
});

describe('describeError', () => {
  it('spells out an AggregateError, whose own message is empty', () => {
    const error = new AggregateError([new Error('connect ECONNREFUSED ::1:1'), new Error('connect ECONNREFUSED 127.0.0.1:1')]);
    expect(describeError(error)).toBe('connect ECONNREFUSED ::1:1; connect ECONNREFUSED 127.0.0.1:1');
  });
});
