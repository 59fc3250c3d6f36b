import 'reflect-metadata';
import { IsIn, IsOptional, IsString, Matches, MinLength, ValidateIf } from 'class-validator';
import { IntegerSetting, TrustProxySetting } from './setting-decorators';

/** The raw environment as the contract (CONTRACT.md) names it, validated once at boot. */
export class EnvironmentVariables {
  @IsOptional() @IntegerSetting(1, 65535)
  PORT?: number;

  @IsOptional() @IsString()
  HOST?: string;

  @IsOptional() @Matches(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, { message: 'must be an http(s) URL' })
  PUBLIC_URL?: string;

  @IsOptional() @IsString()
  DATA_DIR?: string;

  @IsOptional() @Matches(/^postgres(ql)?:\/\/[^\s]+$/, { message: 'must be a postgres:// connection string' })
  DATABASE_URL?: string;

  @IsOptional() @Matches(/^rediss?:\/\/[^\s]+$/, { message: 'must be a redis:// URL' })
  REDIS_URL?: string;

  @IsOptional() @IsIn(['filesystem', 's3', 'azure'], { message: 'must be one of: filesystem, s3, azure' })
  STORAGE_DRIVER?: string;

  /** Filesystem driver: write uploads with O_DIRECT (default true); false writes through the page cache. */
  @IsOptional() @IsIn(['true', 'false'], { message: 'must be true or false' })
  STORAGE_DIRECT_IO?: string;

  @ValidateIf((env: EnvironmentVariables) => env.STORAGE_DRIVER === 's3')
  @IsString({ message: 'is required when STORAGE_DRIVER=s3' })
  S3_BUCKET?: string;

  @IsOptional() @IsString() S3_ENDPOINT?: string;
  @IsOptional() @IsString() S3_REGION?: string;
  @IsOptional() @IsString() S3_ACCESS_KEY_ID?: string;
  @IsOptional() @IsString() S3_SECRET_ACCESS_KEY?: string;
  @IsOptional() @IsIn(['true', 'false'], { message: 'must be true or false' }) S3_FORCE_PATH_STYLE?: string;
  @IsOptional() @IsIn(['true', 'false'], { message: 'must be true or false' }) S3_REDIRECT?: string;

  /**
   * The Azure driver (STORAGE_DRIVER=azure). Which of them are required, and how they combine, is checked in
   * azure-storage.ts once the driver is known; here only their shapes.
   */
  @IsOptional() @IsString() AZURE_CONTAINER?: string;
  @IsOptional() @IsString() AZURE_ACCOUNT_NAME?: string;
  @IsOptional() @IsString() AZURE_ACCOUNT_KEY?: string;
  @IsOptional() @IsString() AZURE_CONNECTION_STRING?: string;
  @IsOptional() @Matches(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, { message: 'must be an http(s) URL (the blob service endpoint)' })
  AZURE_ENDPOINT?: string;
  @IsOptional() @IsIn(['true', 'false'], { message: 'must be true or false' }) AZURE_REDIRECT?: string;

  @IsOptional() @Matches(/^[a-z0-9][a-z0-9_.-]{0,254}$/i, { message: 'must be a valid username' })
  ADMIN_USERNAME?: string;

  /** The same minimum as every other password (libs/iam MIN_PASSWORD_LENGTH), checked before anything starts. */
  @IsOptional() @IsString() @MinLength(8, { message: 'must be at least 8 characters' })
  ADMIN_PASSWORD?: string;
  @IsOptional() @IsString() BOOTSTRAP_ADMIN_TOKEN?: string;

  @IsOptional() @IntegerSetting(30, 86400)
  REGISTRY_TOKEN_TTL?: number;

  @IsOptional() @IntegerSetting(0)
  GC_REVIEW_DELAY?: number;

  @IsOptional() @IntegerSetting(60)
  UPLOAD_PURGE_AGE?: number;

  @IsOptional() @IsIn(['true', 'false'], { message: 'must be true or false' })
  REGISTRY_DELETE_ENABLED?: string;

  /** Where the worker serves /metrics (Prometheus); unset: no HTTP in the worker. */
  @IsOptional() @IntegerSetting(1, 65535)
  WORKER_METRICS_PORT?: number;

  /** Seconds between two looks for due cleanup policies. */
  @IsOptional() @IntegerSetting(1, 3600)
  CLEANUP_SCHEDULE_INTERVAL?: number;

  /** Seconds between two bulk tag deletes of one repository (GitLab allows one an hour); 0 disables the limit. */
  @IsOptional() @IntegerSetting(0, 604800)
  REGISTRY_BULK_DELETE_INTERVAL?: number;

  /**
   * Seconds a webhook delivery, repository delete or bulk tag delete may sit in PostgreSQL without its job before
   * the worker queues it again (Redis was down when it was recorded, or lost it).
   */
  @IsOptional() @IntegerSetting(1, 86400)
  STRANDED_WORK_AFTER?: number;

  /** Set by the launcher after it ran migrations, so its child processes skip that step. */
  @IsOptional() @IsIn(['0', '1'], { message: 'must be 0 or 1' })
  CARGOHOLD_MIGRATED?: string;

  /** Prefix of every Redis key (queues, caches), so several platforms or test runs can share one Redis. */
  @IsOptional() @Matches(/^[A-Za-z0-9:_-]{1,64}$/, { message: 'must be 1-64 letters, digits, ":", "_" or "-"' })
  REDIS_PREFIX?: string;

  /** Manifest GETs allowed per window: anonymous callers per client address, signed-in callers per user; 0 disables. */
  @IsOptional() @IntegerSetting(0)
  PULL_RATE_LIMIT_ANONYMOUS?: number;

  @IsOptional() @IntegerSetting(0)
  PULL_RATE_LIMIT_AUTHENTICATED?: number;

  @IsOptional() @IntegerSetting(1, 604800)
  PULL_RATE_LIMIT_WINDOW?: number;

  /** Seconds between two writes of the pull statistics the api counts in memory; 0 stops recording them. */
  @IsOptional() @IntegerSetting(0, 3600)
  PULL_STATISTICS_FLUSH_INTERVAL?: number;

  /** Open upload sessions per project; 0 disables. */
  @IsOptional() @IntegerSetting(0)
  MAX_UPLOAD_SESSIONS_PER_PROJECT?: number;

  /** Seconds a /v2/ upload body (PATCH, PUT, POST with bytes) may send nothing before it is cut and its lease released. */
  @IsOptional() @IntegerSetting(1, 3600)
  REGISTRY_UPLOAD_IDLE_TIMEOUT?: number;

  /** Largest JSON body the REST API accepts, in bytes. */
  @IsOptional() @IntegerSetting(1024, 104857600)
  REST_BODY_LIMIT?: number;

  /**
   * The key sealing upstream registry passwords (pull-through cache), base64 of 32 bytes. Unset: a key generated once
   * into DATA_DIR/keys/upstream-credentials.key (every replica must then share DATA_DIR, as for the signing keys).
   */
  @IsOptional() @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'must be the base64 of 32 bytes (44 characters)' })
  UPSTREAM_CREDENTIALS_KEY?: string;

  /** The registry a group's dependency proxy pulls through: Docker Hub, or one standing in for it. */
  @IsOptional() @Matches(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, { message: 'must be an http(s) URL' })
  DEPENDENCY_PROXY_UPSTREAM_URL?: string;

  /** Days a virtual registry cache entry may go unpulled before the worker removes it; 0 keeps them. */
  @IsOptional() @IntegerSetting(0, 3650)
  VIRTUAL_REGISTRY_CACHE_TTL_DAYS?: number;

  /** First retry delay of a failed webhook delivery, in ms; later retries double it (tests make it short). */
  @IsOptional() @IntegerSetting(10, 3600000)
  WEBHOOK_RETRY_BASE_DELAY_MS?: number;

  /** How long one webhook delivery attempt may take (connect, send, response), in ms. */
  @IsOptional() @IntegerSetting(100, 600000)
  WEBHOOK_TIMEOUT_MS?: number;

  @IsOptional() @IsIn(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], {
    message: 'must be one of: trace, debug, info, warn, error, fatal, silent',
  })
  LOG_LEVEL?: string;

  @IsOptional() @IsIn(['json', 'pretty'], { message: 'must be json or pretty' })
  LOG_FORMAT?: string;

  /** Seconds a client may take to send a request's headers (any route). */
  @IsOptional() @IntegerSetting(1, 600)
  HTTP_HEADERS_TIMEOUT?: number;

  /** Seconds a request body may go without a byte arriving before the request is cut (every route but /v2/ uploads). */
  @IsOptional() @IntegerSetting(1, 3600)
  HTTP_BODY_IDLE_TIMEOUT?: number;

  /** Seconds from a REST request's headers to the end of its body (everything outside /v2/). */
  @IsOptional() @IntegerSetting(1, 3600)
  REST_REQUEST_TIMEOUT?: number;

  /** Which peers are trusted to set X-Forwarded-For/-Proto/-Host: false (default), a hop count, or CIDR ranges. */
  @IsOptional() @TrustProxySetting()
  TRUST_PROXY?: string;

  /** Seconds the api lets in-flight requests finish after SIGTERM before it closes what is left (the worker: its jobs in hand). */
  @IsOptional() @IntegerSetting(0, 3600)
  SHUTDOWN_GRACE_SECONDS?: number;

  /** Where the api serves /metrics instead of its main port; unset: on the main port. */
  @IsOptional() @IntegerSetting(1, 65535)
  METRICS_PORT?: number;
}
