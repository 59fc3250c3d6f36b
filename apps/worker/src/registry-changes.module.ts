import { Module } from '@nestjs/common';
import type Redis from 'ioredis';
import { Logger } from '@cargohold/common';
import { AppConfig } from '@cargohold/config';
import { APP_CONFIG, LOGGER, REDIS, REGISTRY_CHANGE_NOTIFIER, RedisRegistryChangePublisher, registryChangesChannel } from '@cargohold/platform';

/**
 * The worker deletes tags and manifests (cleanup policies, bulk and repository deletes, GC): its RegistryContext
 * announces each change on Redis so the api replicas' manifest caches forget it. The worker has no cache of its own.
 */
@Module({
  providers: [
    {
      provide: REGISTRY_CHANGE_NOTIFIER,
      inject: [REDIS, APP_CONFIG, LOGGER],
      useFactory: (redis: Redis, config: AppConfig, logger: Logger) => new RedisRegistryChangePublisher(redis, registryChangesChannel(config.redisPrefix), logger),
    },
  ],
  exports: [REGISTRY_CHANGE_NOTIFIER],
})
export class RegistryChangesModule {}
