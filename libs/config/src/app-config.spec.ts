import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('applies the contract defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config.port).toBe(5000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.publicUrl).toBe('http://127.0.0.1:5000');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.storage).toEqual({ driver: 'filesystem', root: expect.stringMatching(/\.data\/storage$/), directIo: true });
    expect(config.registryTokenTtl).toBe(300);
    expect(config.gcReviewDelay).toBe(86400);
    expect(config.admin.username).toBe('root');
  });

  it.each([
    [{ STORAGE_DRIVER: 'ftp' }, 'STORAGE_DRIVER'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL'],
    [{ PORT: 'eighty' }, 'PORT'],
    [{ STORAGE_DRIVER: 's3' }, 'S3_BUCKET'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  ])('rejects %j naming %s in one line', (env, variable) => {
    let thrown: unknown;
    try {
      loadConfig(env);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).variable).toBe(variable);
    expect((thrown as ConfigError).message).toMatch(new RegExp(`^invalid configuration: ${variable} `));
    expect((thrown as ConfigError).message).not.toContain('\n');
  });

  it('defaults the abuse limits and lets each be set or disabled with 0', () => {
    expect(loadConfig({}).limits).toEqual({
      pullAnonymous: 100,
      pullAuthenticated: 5000,
      pullWindowSeconds: 21600,
      uploadSessionsPerProject: 500,
      restBodyBytes: 1048576,
    });
    const custom = loadConfig({ PULL_RATE_LIMIT_ANONYMOUS: '0', PULL_RATE_LIMIT_AUTHENTICATED: '7', PULL_RATE_LIMIT_WINDOW: '60', MAX_UPLOAD_SESSIONS_PER_PROJECT: '3' });
    expect(custom.limits).toMatchObject({ pullAnonymous: 0, pullAuthenticated: 7, pullWindowSeconds: 60, uploadSessionsPerProject: 3 });
    expect(() => loadConfig({ PULL_RATE_LIMIT_WINDOW: '0' })).toThrow(/PULL_RATE_LIMIT_WINDOW/);
    expect(() => loadConfig({ MAX_UPLOAD_SESSIONS_PER_PROJECT: '-1' })).toThrow(/MAX_UPLOAD_SESSIONS_PER_PROJECT/);
  });

  it('builds the s3 storage settings when the driver is s3', () => {
    const config = loadConfig({ STORAGE_DRIVER: 's3', S3_BUCKET: 'b', S3_FORCE_PATH_STYLE: 'true' });
    expect(config.storage).toMatchObject({ driver: 's3', s3: { bucket: 'b', forcePathStyle: true, region: 'us-east-1' } });
  });
});
