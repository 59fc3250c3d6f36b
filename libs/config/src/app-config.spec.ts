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
      uploadIdleTimeoutSeconds: 60,
      restBodyBytes: 1048576,
    });
    const custom = loadConfig({ PULL_RATE_LIMIT_ANONYMOUS: '0', PULL_RATE_LIMIT_AUTHENTICATED: '7', PULL_RATE_LIMIT_WINDOW: '60', MAX_UPLOAD_SESSIONS_PER_PROJECT: '3' });
    expect(custom.limits).toMatchObject({ pullAnonymous: 0, pullAuthenticated: 7, pullWindowSeconds: 60, uploadSessionsPerProject: 3 });
    expect(() => loadConfig({ PULL_RATE_LIMIT_WINDOW: '0' })).toThrow(/PULL_RATE_LIMIT_WINDOW/);
    expect(() => loadConfig({ MAX_UPLOAD_SESSIONS_PER_PROJECT: '-1' })).toThrow(/MAX_UPLOAD_SESSIONS_PER_PROJECT/);
  });

  it('writes pull statistics every 10 seconds by default; 0 turns recording off, and the interval is bounded', () => {
    expect(loadConfig({}).pullStatisticsFlushInterval).toBe(10);
    expect(loadConfig({ PULL_STATISTICS_FLUSH_INTERVAL: '0' }).pullStatisticsFlushInterval).toBe(0);
    expect(() => loadConfig({ PULL_STATISTICS_FLUSH_INTERVAL: '3601' })).toThrow(/PULL_STATISTICS_FLUSH_INTERVAL/);
    expect(() => loadConfig({ PULL_STATISTICS_FLUSH_INTERVAL: '1.5' })).toThrow(/PULL_STATISTICS_FLUSH_INTERVAL/);
  });

  it('reads the /v2/ upload body idle timeout in seconds, and refuses 0 or a non-integer', () => {
    expect(loadConfig({ REGISTRY_UPLOAD_IDLE_TIMEOUT: '2' }).limits.uploadIdleTimeoutSeconds).toBe(2);
    expect(() => loadConfig({ REGISTRY_UPLOAD_IDLE_TIMEOUT: '0' })).toThrow(/^invalid configuration: REGISTRY_UPLOAD_IDLE_TIMEOUT /);
    expect(() => loadConfig({ REGISTRY_UPLOAD_IDLE_TIMEOUT: '1.5' })).toThrow(/^invalid configuration: REGISTRY_UPLOAD_IDLE_TIMEOUT /);
  });

  it('builds the s3 storage settings when the driver is s3', () => {
    const config = loadConfig({ STORAGE_DRIVER: 's3', S3_BUCKET: 'b', S3_FORCE_PATH_STYLE: 'true' });
    expect(config.storage).toMatchObject({ driver: 's3', s3: { bucket: 'b', forcePathStyle: true, region: 'us-east-1' } });
  });

  describe('the azure driver', () => {
    const KEY = Buffer.from('not a real key').toString('base64');
    const byKey = { STORAGE_DRIVER: 'azure', AZURE_CONTAINER: 'registry', AZURE_ACCOUNT_NAME: 'acme', AZURE_ACCOUNT_KEY: KEY };

    it('builds the settings from an account name and key, the endpoint optional', () => {
      expect(loadConfig(byKey).storage).toEqual({
        driver: 'azure',
        azure: { container: 'registry', accountName: 'acme', accountKey: KEY, endpoint: undefined, redirect: false },
      });
      const azurite = loadConfig({ ...byKey, AZURE_ENDPOINT: 'http://127.0.0.1:10000/devstoreaccount1/', AZURE_REDIRECT: 'true' });
      expect(azurite.storage).toMatchObject({ azure: { endpoint: 'http://127.0.0.1:10000/devstoreaccount1', redirect: true } });
    });

    it('builds the settings from a connection string alone', () => {
      const connectionString = `DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=${KEY};EndpointSuffix=core.windows.net`;
      expect(loadConfig({ STORAGE_DRIVER: 'azure', AZURE_CONTAINER: 'registry', AZURE_CONNECTION_STRING: connectionString, AZURE_REDIRECT: 'true' }).storage).toEqual({
        driver: 'azure',
        azure: { container: 'registry', connectionString, redirect: true },
      });
      expect(loadConfig({ STORAGE_DRIVER: 'azure', AZURE_CONTAINER: 'registry', AZURE_CONNECTION_STRING: 'UseDevelopmentStorage=true' }).storage.driver).toBe('azure');
    });

    it('requires none of its variables unless the driver is chosen', () => {
      expect(loadConfig({ AZURE_CONTAINER: 'NOT VALID', AZURE_CONNECTION_STRING: 'nonsense' }).storage.driver).toBe('filesystem');
    });

    it.each([
      [{ STORAGE_DRIVER: 'azure' }, 'AZURE_CONTAINER is required when STORAGE_DRIVER=azure'],
      [{ ...byKey, AZURE_CONTAINER: 'Registry' }, 'AZURE_CONTAINER must be 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit'],
      [{ ...byKey, AZURE_CONTAINER: 'a--b' }, 'AZURE_CONTAINER must be 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit'],
      [{ ...byKey, AZURE_ACCOUNT_NAME: undefined }, 'AZURE_ACCOUNT_NAME is required when STORAGE_DRIVER=azure (or set AZURE_CONNECTION_STRING)'],
      [{ ...byKey, AZURE_ACCOUNT_NAME: 'Acme_Corp' }, 'AZURE_ACCOUNT_NAME must be 3-24 lowercase letters and digits'],
      [{ ...byKey, AZURE_ACCOUNT_KEY: undefined }, 'AZURE_ACCOUNT_KEY is required when STORAGE_DRIVER=azure (or set AZURE_CONNECTION_STRING)'],
      [{ ...byKey, AZURE_ACCOUNT_KEY: 'not base64!' }, 'AZURE_ACCOUNT_KEY must be the base64 account key, as the portal shows it'],
      [{ ...byKey, AZURE_ENDPOINT: 'blob.example' }, 'AZURE_ENDPOINT must be an http(s) URL (the blob service endpoint)'],
      [{ ...byKey, AZURE_REDIRECT: 'yes' }, 'AZURE_REDIRECT must be true or false'],
      [{ ...byKey, AZURE_CONNECTION_STRING: 'UseDevelopmentStorage=true' }, 'AZURE_ACCOUNT_NAME cannot be combined with AZURE_CONNECTION_STRING, which names the account, its credential and its endpoint'],
      [
        { STORAGE_DRIVER: 'azure', AZURE_CONTAINER: 'registry', AZURE_CONNECTION_STRING: 'secret-value-without-pairs' },
        'AZURE_CONNECTION_STRING must be an Azure Storage connection string: AccountName=...;AccountKey=...[;BlobEndpoint=...], BlobEndpoint=...;SharedAccessSignature=..., or UseDevelopmentStorage=true',
      ],
      [
        { STORAGE_DRIVER: 'azure', AZURE_CONTAINER: 'registry', AZURE_REDIRECT: 'true', AZURE_CONNECTION_STRING: 'BlobEndpoint=https://acme.blob.core.windows.net;SharedAccessSignature=sv=2024&sig=x' },
        'AZURE_REDIRECT needs the account key to sign read-only SAS URLs, and AZURE_CONNECTION_STRING has none (use one with AccountKey)',
      ],
    ])('explains %j in one line naming the variable', (env, message) => {
      const defined = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined));
      expect(() => loadConfig(defined)).toThrow(`invalid configuration: ${message}`);
      expect(() => loadConfig(defined)).toThrow(ConfigError);
    });

    it('never repeats a secret in its errors', () => {
      expect(() => loadConfig({ STORAGE_DRIVER: 'azure', AZURE_CONTAINER: 'registry', AZURE_CONNECTION_STRING: 'hunter2hunter2' })).toThrow(
        expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
      );
    });
  });

  it.each([
    [{ ADMIN_PASSWORD: 'x' }, 'invalid configuration: ADMIN_PASSWORD must be at least 8 characters'],
    [{ PORT: 'abc' }, 'invalid configuration: PORT must be an integer between 1 and 65535'],
    [{ PORT: '70000' }, 'invalid configuration: PORT must be an integer between 1 and 65535'],
    [{ PORT: '0' }, 'invalid configuration: PORT must be an integer between 1 and 65535'],
    [{ PORT: '80.5' }, 'invalid configuration: PORT must be an integer between 1 and 65535'],
    [{ GC_REVIEW_DELAY: '-1' }, 'invalid configuration: GC_REVIEW_DELAY must be an integer of at least 0'],
    [{ HTTP_HEADERS_TIMEOUT: '0' }, 'invalid configuration: HTTP_HEADERS_TIMEOUT must be an integer between 1 and 600'],
    [{ REST_REQUEST_TIMEOUT: 'soon' }, 'invalid configuration: REST_REQUEST_TIMEOUT must be an integer between 1 and 3600'],
    [{ SHUTDOWN_GRACE_SECONDS: '-5' }, 'invalid configuration: SHUTDOWN_GRACE_SECONDS must be an integer between 0 and 3600'],
    [{ STRANDED_WORK_AFTER: '0' }, 'invalid configuration: STRANDED_WORK_AFTER must be an integer between 1 and 86400'],
    [{ METRICS_PORT: '5000' }, 'invalid configuration: METRICS_PORT must differ from PORT'],
    [{ TRUST_PROXY: '10.0.0.0/33' }, 'invalid configuration: TRUST_PROXY must be false, a hop count (1-10), or a comma-separated list of IP addresses and CIDR ranges'],
    [{ TRUST_PROXY: 'loadbalancer' }, 'invalid configuration: TRUST_PROXY must be false, a hop count (1-10), or a comma-separated list of IP addresses and CIDR ranges'],
  ])('explains %j in exactly one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(new ConfigError(message.split(' ')[2], message.split(' ').slice(3).join(' ')));
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('requeues work stranded for 10 minutes by default, or after STRANDED_WORK_AFTER seconds', () => {
    expect(loadConfig({}).strandedWorkAfter).toBe(600);
    expect(loadConfig({ STRANDED_WORK_AFTER: '30' }).strandedWorkAfter).toBe(30);
  });

  it('defaults the HTTP edge: 20 s headers, 30 s body idle, 60 s REST requests, 30 s shutdown grace, no proxy trusted', () => {
    const config = loadConfig({});
    expect(config.http).toEqual({ headersTimeoutMs: 20_000, bodyIdleTimeoutMs: 30_000, restRequestTimeoutMs: 60_000 });
    expect(config.shutdownGraceMs).toBe(30_000);
    expect(config.trustProxy).toEqual({ mode: 'off' });
    expect(config.metricsPort).toBeUndefined();
    expect(config.publicUrlConfigured).toBe(false);
  });

  it.each([
    ['false', { mode: 'off' }],
    ['2', { mode: 'hops', hops: 2 }],
    ['10.0.0.0/8, 127.0.0.1,::1', { mode: 'ranges', ranges: ['10.0.0.0/8', '127.0.0.1/32', '::1/128'] }],
  ])('reads TRUST_PROXY=%s', (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  describe('LOG_FORMAT', () => {
    it('defaults to pretty lines when stdout is a terminal and JSON lines otherwise', () => {
      expect(loadConfig({}, true).log.format).toBe('pretty');
      expect(loadConfig({}, false).log.format).toBe('json');
    });

    it.each([
      ['json', true, 'json'],
      ['json', false, 'json'],
      ['pretty', false, 'pretty'],
      ['pretty', true, 'pretty'],
    ] as const)('LOG_FORMAT=%s wins (stdout a terminal: %s)', (value, tty, expected) => {
      expect(loadConfig({ LOG_FORMAT: value }, tty).log.format).toBe(expected);
    });

    it('refuses an unknown format', () => {
      expect(() => loadConfig({ LOG_FORMAT: 'xml' }, true)).toThrow(ConfigError);
    });
  });
});
