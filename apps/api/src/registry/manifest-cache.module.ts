import { Inject, Module, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { Logger } from '@cargohold/common';
import { AppConfig } from '@cargohold/config';
import {
  APP_CONFIG,
  LOGGER,
  MANIFEST_CACHE,
  REDIS,
  REGISTRY_CHANGE_NOTIFIER,
  RedisRegistryChangePublisher,
  RegistryChangeMessage as RedisRegistryChangeMessage,
  registryChangesChannel,
} from '@cargohold/platform';
import { ManifestCache } from '@cargohold/registry';

/**
 * The api's manifest cache (libs/registry ManifestCache: manifests by digest, tags to digests, a few seconds'
 * TTL) kept coherent across replicas: every write in any process publishes the repositories it changed on
 * `<prefix>:registry:changes` after its commit (this process's cache is invalidated synchronously before the
 * write is answered), and this module's subscriber invalidates on every message. While the subscriber is not
 * connected, messages may be missed, so the cache is off (every GET reads PostgreSQL) and starts empty again
 * once it is subscribed. Provides the cache and the process's change notifier (invalidate here, then publish) to
 * RegistryContextModule.
 */
@Module({
  providers: [
    {
      provide: MANIFEST_CACHE,
      useFactory: () => {
        const cache = new ManifestCache({ maxBytes: 64 * 1024 * 1024, ttlMs: 3000 });
        cache.setEnabled(false); // until the subscriber listens (onModuleInit)
        return cache;
      },
    },
    {
      provide: REGISTRY_CHANGE_NOTIFIER,
      inject: [REDIS, APP_CONFIG, LOGGER, MANIFEST_CACHE],
      useFactory: (redis: Redis, config: AppConfig, logger: Logger, cache: ManifestCache) =>
        new RedisRegistryChangePublisher(redis, registryChangesChannel(config.redisPrefix), logger, cache),
    },
  ],
  exports: [MANIFEST_CACHE, REGISTRY_CHANGE_NOTIFIER],
})
export class ManifestCacheModule implements OnModuleInit, OnModuleDestroy {
  private subscriber?: Redis;

  constructor(
    @Inject(MANIFEST_CACHE) private readonly cache: ManifestCache,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    const channel = registryChangesChannel(this.config.redisPrefix);
    const subscriber = this.redis.duplicate({ lazyConnect: true });
    this.subscriber = subscriber;
    subscriber.on('message', (_channel: string, text: string) => this.onMessage(text));
    subscriber.on('error', () => undefined); // the main connection's handlers log outages
    const off = () => this.cache.setEnabled(false);
    subscriber.on('close', off);
    subscriber.on('reconnecting', off);
    subscriber.on('end', off);
    subscriber.on('ready', () => {
      off(); // ioredis resubscribes by itself; subscribe again explicitly to know when messages flow
      subscriber.subscribe(channel).then(
        () => {
          if (subscriber.status === 'ready') this.cache.setEnabled(true);
        },
        (error: unknown) => this.logger.warn({ err: error }, 'manifest cache: subscribing to registry changes failed; cache stays off'),
      );
    });
    subscriber.connect().catch(() => undefined); // retried by ioredis; the cache stays off meanwhile
  }

  onModuleDestroy(): void {
    this.cache.setEnabled(false); // no more messages: serve nothing that could be stale
    this.subscriber?.disconnect();
  }

  private onMessage(text: string): void {
    try {
      const message = JSON.parse(text) as RedisRegistryChangeMessage;
      if ('all' in message) this.cache.invalidate('all');
      else if (Array.isArray(message.paths)) this.cache.invalidate(message.paths.filter((p) => typeof p === 'string'));
    } catch {
      this.cache.invalidate('all'); // unreadable: forget everything rather than risk serving stale
    }
  }
}
