import { Inject, Module, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { Logger } from '@cargohold/common';
import { AppConfig } from '@cargohold/config';
import { APP_CONFIG, LOGGER, REDIS, RedisRegistryChangePublisher, registryChangesChannel } from '@cargohold/platform';
import { installRegistryChangeNotifier } from '@cargohold/registry';

/**
 * The worker deletes tags and manifests (cleanup policies, bulk and repository deletes, GC): it announces each
 * change on Redis so the api replicas' manifest caches forget it.
 */
@Module({})
export class RegistryChangesModule implements OnModuleInit, OnModuleDestroy {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    installRegistryChangeNotifier(new RedisRegistryChangePublisher(this.redis, registryChangesChannel(this.config.redisPrefix), this.logger));
  }

  onModuleDestroy(): void {
    installRegistryChangeNotifier(undefined);
  }
}
