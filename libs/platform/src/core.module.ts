import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { createLogger, Logger } from '@cargohold/common';
import { AppConfig } from '@cargohold/config';
import { createDataSource, runMigrations } from '@cargohold/db';
import { createBlobStore } from '@cargohold/storage';
import { RedisCounters } from './redis-counters';
import { APP_CONFIG, BLOB_STORE, LOGGER, REDIS } from './tokens';

/** The longest any command on the shared connection waits for Redis's answer. */
export const REDIS_COMMAND_TIMEOUT_MS = 2000;

/**
 * The resources every process shares: the validated configuration, PostgreSQL, Redis (and the counters kept in it),
 * the blob store and the logger.
 * The launcher has already started the embedded services and run migrations, so URLs are always set here.
 */
@Global()
@Module({})
export class CoreModule implements OnApplicationShutdown {
  static forRoot(config: AppConfig, component: string): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: LOGGER, useValue: createLogger({ ...config.log, component }) },
        {
          provide: DataSource,
          useFactory: async () => {
            const url = requireUrl(config.databaseUrl, 'DATABASE_URL');
            // Migrations run under an advisory lock, so replicas started together apply each one once.
            if (config.migrateOnStart) await runMigrations(url);
            return createDataSource(url, { applicationName: `cargohold-${component}` }).initialize();
          },
        },
        {
          provide: REDIS,
          useFactory: () =>
            // Commands wait through a short outage (offline queue, reconnects) but never longer than the command
            // timeout: request paths (counters, leases, cache messages) then fail open instead of hanging.
            // BullMQ's blocking worker connections are separate (BullModule.forRoot) and keep no timeout.
            new Redis(requireUrl(config.redisUrl, 'REDIS_URL'), {
              maxRetriesPerRequest: null,
              enableOfflineQueue: true,
              lazyConnect: false,
              commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
            }),
        },
        // Counters and leases shared by the replicas (rate limits, failed sign-ins, bulk delete leases).
        { provide: RedisCounters, inject: [REDIS], useFactory: (redis: Redis) => new RedisCounters(redis, config.redisPrefix, REDIS_COMMAND_TIMEOUT_MS) },
        { provide: BLOB_STORE, useFactory: () => createBlobStore(config.storage) },
      ],
      exports: [APP_CONFIG, LOGGER, DataSource, REDIS, RedisCounters, BLOB_STORE],
    };
  }

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

function requireUrl(url: string | undefined, name: string): string {
  if (!url) throw new Error(`${name} is not set: start the process through the launcher (pnpm start) or set it`);
  return url;
}

export type { Logger };
