import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Logger } from '@cargohold/common';
import { AppConfig } from '@cargohold/config';
import { APP_CONFIG, BLOB_STORE, LOGGER, REDIS } from '@cargohold/platform';
import { PullThroughCatalog, WebhookRepository } from '@cargohold/registry';
import type { BlobStore } from '@cargohold/storage';
import { PullThroughService, RedisFetchLeases, UpstreamRegistryClient } from '@cargohold/upstream';
import { PullThroughCoreModule } from '../virtual-registries/pull-through-core.module';

/** The pull-through engine the /v2/ routes ask: libs/upstream's PullThroughService. */
export const PULL_THROUGH_ENGINE = Symbol('PULL_THROUGH_ENGINE');
const UPSTREAM_CLIENT = Symbol('UPSTREAM_CLIENT');

@Module({
  imports: [PullThroughCoreModule],
  providers: [
    {
      provide: UPSTREAM_CLIENT,
      inject: [PullThroughCatalog],
      useFactory: (catalog: PullThroughCatalog) => {
        const settings = new WebhookRepository();
        // Read at each new upstream connection (pooled connections are reused), so the setting applies at once.
        return new UpstreamRegistryClient({ allowLocalRequests: () => settings.allowLocalRequests(catalog.db.manager) });
      },
    },
    {
      provide: PULL_THROUGH_ENGINE,
      inject: [PullThroughCatalog, BLOB_STORE, UPSTREAM_CLIENT, REDIS, LOGGER, APP_CONFIG],
      useFactory: (catalog: PullThroughCatalog, store: BlobStore, client: UpstreamRegistryClient, redis: Redis, logger: Logger, config: AppConfig) =>
        new PullThroughService(catalog, store, client, new RedisFetchLeases(redis, config.redisPrefix), logger),
    },
  ],
  exports: [PULL_THROUGH_ENGINE],
})
export class PullThroughEngineModule implements OnApplicationShutdown {
  constructor(@Inject(UPSTREAM_CLIENT) private readonly client: UpstreamRegistryClient) {}

  /** Upstream connections are closed last, once the server has stopped taking pulls. */
  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
