import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import * as path from 'node:path';
import { AzureConfig, azureStorageConfig } from './azure-storage';
import { ConfigError } from './config-error';
import { EnvironmentVariables } from './environment';
import { parseTrustProxy, TrustProxy } from './trust-proxy';

export type { TrustProxy } from './trust-proxy';
export type { AzureConfig } from './azure-storage';
export { ConfigError } from './config-error';

export interface S3Config {
  bucket: string;
  endpoint?: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
  redirect: boolean;
}

/** The one typed configuration object; nothing else reads process.env. */
export interface AppConfig {
  port: number;
  host: string;
  publicUrl: string;
  /** Whether PUBLIC_URL was set: then it is authoritative, and X-Forwarded-Proto/-Host never change absolute URLs. */
  publicUrlConfigured: boolean;
  dataDir: string;
  /** Unset means: the launcher starts an embedded PostgreSQL under dataDir/pg. */
  databaseUrl?: string;
  /** Unset means: the launcher starts redis-server under dataDir/redis. */
  redisUrl?: string;
  /** Whether this process must apply pending migrations itself (false when the launcher already did). */
  migrateOnStart: boolean;
  /** Prefix of every Redis key. */
  redisPrefix: string;
  storage: { driver: 'filesystem'; root: string; directIo: boolean } | { driver: 's3'; s3: S3Config } | { driver: 'azure'; azure: AzureConfig };
  admin: { username: string; password?: string; bootstrapToken?: string };
  registryTokenTtl: number;
  gcReviewDelay: number;
  uploadPurgeAge: number;
  deleteEnabled: boolean;
  /** Seconds between two looks for due cleanup policies. */
  cleanupScheduleInterval: number;
  /** Seconds between two writes of the pull statistics counted in the api's memory; 0: pulls are not recorded. */
  pullStatisticsFlushInterval: number;
  /** Where the worker serves /metrics; undefined: nowhere. */
  workerMetricsPort?: number;
  /** Seconds between two bulk tag deletes of one repository through the REST API (GitLab: one hour); 0 disables the limit. */
  bulkDeleteInterval: number;
  /** Seconds recorded work (webhook deliveries, repository and bulk tag deletes) may wait for its job before the worker requeues it. */
  strandedWorkAfter: number;
  log: { level: string; format: 'json' | 'pretty' };
  /** The pull-through cache (virtual registries and the dependency proxy). */
  pullThrough: {
    /** UPSTREAM_CREDENTIALS_KEY; undefined: a key file in dataDir/keys. */
    credentialsKey?: Buffer;
    dependencyProxyUrl: string;
    /** Days an unpulled virtual registry cache entry is kept; 0: kept until purged. */
    virtualRegistryTtlDays: number;
  };
  /** Webhook delivery: per-attempt timeout and the first retry delay (exponential backoff). */
  webhooks: { timeoutMs: number; retryBaseDelayMs: number };
  /** HTTP edge timeouts, in ms (see docs/operations.md, "Timeouts"). */
  http: { headersTimeoutMs: number; bodyIdleTimeoutMs: number; restRequestTimeoutMs: number };
  /** Which peers may set X-Forwarded-For/-Proto/-Host. */
  trustProxy: TrustProxy;
  /** How long in-flight requests may take to finish after SIGTERM, in ms. */
  shutdownGraceMs: number;
  /** Where the api serves /metrics; undefined: on the main port. */
  metricsPort?: number;
  /** Abuse limits; a limit of 0 means unlimited. */
  limits: {
    pullAnonymous: number;
    pullAuthenticated: number;
    pullWindowSeconds: number;
    uploadSessionsPerProject: number;
    /** Seconds a /v2/ upload body may send nothing before it is cut (never limits a body that keeps sending). */
    uploadIdleTimeoutSeconds: number;
    restBodyBytes: number;
  };
}


function firstProblem(errors: ValidationError[]): ConfigError {
  const error = errors[0];
  const reason = Object.values(error.constraints ?? {})[0] ?? 'is invalid';
  // class-validator prefixes messages with the property name; keep one clean line.
  return new ConfigError(error.property, reason.replace(new RegExp(`^${error.property} `), ''));
}

/** Validates the environment and returns the configuration, or throws one ConfigError naming the variable. */
/**
 * Reads and validates the environment once. `stdoutIsTty` picks the log format when LOG_FORMAT is unset: pretty
 * lines for a person at a terminal, JSON lines for anything that collects logs.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, stdoutIsTty = process.stdout.isTTY === true): AppConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const vars = plainToInstance(EnvironmentVariables, present, { excludeExtraneousValues: false });
  const errors = validateSync(vars, { skipMissingProperties: false, forbidUnknownValues: false });
  if (errors.length > 0) throw firstProblem(errors);
  if (vars.METRICS_PORT !== undefined && vars.METRICS_PORT === (vars.PORT ?? 5000)) {
    throw new ConfigError('METRICS_PORT', 'must differ from PORT');
  }

  const port = vars.PORT ?? 5000;
  const host = vars.HOST ?? '127.0.0.1';
  const dataDir = path.resolve(vars.DATA_DIR ?? './.data');
  const publicUrl = (vars.PUBLIC_URL ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(/\/+$/, '');
  const storage: AppConfig['storage'] =
    vars.STORAGE_DRIVER === 'azure'
      ? { driver: 'azure', azure: azureStorageConfig(vars) }
      : vars.STORAGE_DRIVER === 's3'
      ? {
          driver: 's3',
          s3: {
            bucket: vars.S3_BUCKET!,
            endpoint: vars.S3_ENDPOINT,
            region: vars.S3_REGION ?? 'us-east-1',
            accessKeyId: vars.S3_ACCESS_KEY_ID,
            secretAccessKey: vars.S3_SECRET_ACCESS_KEY,
            forcePathStyle: vars.S3_FORCE_PATH_STYLE === 'true',
            redirect: vars.S3_REDIRECT === 'true',
          },
        }
      : { driver: 'filesystem', root: path.join(dataDir, 'storage'), directIo: vars.STORAGE_DIRECT_IO !== 'false' };

  return {
    port,
    host,
    publicUrl,
    publicUrlConfigured: vars.PUBLIC_URL !== undefined,
    dataDir,
    databaseUrl: vars.DATABASE_URL,
    redisUrl: vars.REDIS_URL,
    migrateOnStart: vars.CARGOHOLD_MIGRATED !== '1',
    redisPrefix: vars.REDIS_PREFIX ?? 'cargohold',
    storage,
    admin: { username: vars.ADMIN_USERNAME ?? 'root', password: vars.ADMIN_PASSWORD, bootstrapToken: vars.BOOTSTRAP_ADMIN_TOKEN },
    registryTokenTtl: vars.REGISTRY_TOKEN_TTL ?? 300,
    gcReviewDelay: vars.GC_REVIEW_DELAY ?? 86400,
    uploadPurgeAge: vars.UPLOAD_PURGE_AGE ?? 86400,
    deleteEnabled: vars.REGISTRY_DELETE_ENABLED !== 'false',
    cleanupScheduleInterval: vars.CLEANUP_SCHEDULE_INTERVAL ?? 60,
    pullStatisticsFlushInterval: vars.PULL_STATISTICS_FLUSH_INTERVAL ?? 10,
    workerMetricsPort: vars.WORKER_METRICS_PORT,
    bulkDeleteInterval: vars.REGISTRY_BULK_DELETE_INTERVAL ?? 3600,
    strandedWorkAfter: vars.STRANDED_WORK_AFTER ?? 600,
    log: { level: vars.LOG_LEVEL ?? 'info', format: logFormat(vars.LOG_FORMAT, stdoutIsTty) },
    pullThrough: {
      credentialsKey: vars.UPSTREAM_CREDENTIALS_KEY ? Buffer.from(vars.UPSTREAM_CREDENTIALS_KEY, 'base64') : undefined,
      dependencyProxyUrl: (vars.DEPENDENCY_PROXY_UPSTREAM_URL ?? 'https://registry-1.docker.io').replace(/\/+$/, ''),
      virtualRegistryTtlDays: vars.VIRTUAL_REGISTRY_CACHE_TTL_DAYS ?? 90,
    },
    webhooks: { timeoutMs: vars.WEBHOOK_TIMEOUT_MS ?? 10_000, retryBaseDelayMs: vars.WEBHOOK_RETRY_BASE_DELAY_MS ?? 10_000 },
    http: {
      headersTimeoutMs: (vars.HTTP_HEADERS_TIMEOUT ?? 20) * 1000,
      bodyIdleTimeoutMs: (vars.HTTP_BODY_IDLE_TIMEOUT ?? 30) * 1000,
      restRequestTimeoutMs: (vars.REST_REQUEST_TIMEOUT ?? 60) * 1000,
    },
    trustProxy: parseTrustProxy(vars.TRUST_PROXY ?? 'false')!,
    shutdownGraceMs: (vars.SHUTDOWN_GRACE_SECONDS ?? 30) * 1000,
    metricsPort: vars.METRICS_PORT,
    limits: {
      // Docker Hub's anonymous allowance (100 manifest pulls per 6 hours); signed-in users get far more than
      // Docker Hub's 200, because every CI job of one user shares that user's count here.
      pullAnonymous: vars.PULL_RATE_LIMIT_ANONYMOUS ?? 100,
      pullAuthenticated: vars.PULL_RATE_LIMIT_AUTHENTICATED ?? 5000,
      pullWindowSeconds: vars.PULL_RATE_LIMIT_WINDOW ?? 21600,
      uploadSessionsPerProject: vars.MAX_UPLOAD_SESSIONS_PER_PROJECT ?? 500,
      uploadIdleTimeoutSeconds: vars.REGISTRY_UPLOAD_IDLE_TIMEOUT ?? 60,
      restBodyBytes: vars.REST_BODY_LIMIT ?? 1048576,
    },
  };
}

function logFormat(setting: string | undefined, stdoutIsTty: boolean): 'json' | 'pretty' {
  if (setting === 'json' || setting === 'pretty') return setting;
  return stdoutIsTty ? 'pretty' : 'json';
}
