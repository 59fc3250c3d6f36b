import { Inject, Module, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '@cargohold/config';
import { RegistryTokenVerifier } from '@cargohold/iam';
import { Logger, registryBytes } from '@cargohold/common';
import { APP_CONFIG, LOGGER, RedisCounters } from '@cargohold/platform';
import { BatchedRedisHitCounter, PullRateLimiter } from '../limits/pull-rate-limiter';
import { TokenModule } from '../token/token.module';
import { BlobService, CatalogService, ManifestService, PullStatistics, PullThroughCatalog, RegistryContext, TagService, UploadService } from '@cargohold/registry';
import { PullThroughCoreModule } from '../virtual-registries/pull-through-core.module';
import { PullThroughHandler } from './pull-through.handler';
import { PULL_THROUGH_ENGINE, PullThroughEngineModule } from './pull-through-engine.module';
import { PullThroughService } from '@cargohold/upstream';
import { BlobHandler } from './blob.handler';
import { ManifestHandler } from './manifest.handler';
import { REGISTRY_ACCESS_GUARD, RegistryAccessGuard } from './registry-access';
import { JwtAccessGuard } from './jwt-access.guard';
import { RegistryRouter } from './registry.router';
import { UploadHandler } from './upload.handler';
import { publicUrlResolver } from '../http/public-url';
import { PULL_STATISTICS, PullStatisticsModule } from './pull-statistics.module';

/** Wires the framework-free registry services (libs/registry), on the process's RegistryContext, into the api's raw /v2/ router. */
@Module({
  imports: [TokenModule, PullStatisticsModule, PullThroughCoreModule, PullThroughEngineModule],
  providers: [
    {
      provide: REGISTRY_ACCESS_GUARD,
      inject: [RegistryTokenVerifier, APP_CONFIG],
      useFactory: (verifier: RegistryTokenVerifier, config: AppConfig) => {
        const publicUrl = publicUrlResolver(config);
        return new JwtAccessGuard(verifier, (req) => `${publicUrl(req)}/jwt/auth`);
      },
    },
    {
      provide: UploadService,
      inject: [RegistryContext],
      useFactory: (ctx: RegistryContext) => new UploadService(ctx, (bytes) => registryBytes.inc({ direction: 'in' }, bytes)),
    },
    {
      provide: RegistryRouter,
      inject: [RegistryContext, UploadService, REGISTRY_ACCESS_GUARD, APP_CONFIG, RedisCounters, LOGGER, PULL_STATISTICS, PullThroughCatalog, PULL_THROUGH_ENGINE],
      useFactory: (
        ctx: RegistryContext,
        uploads: UploadService,
        guard: RegistryAccessGuard,
        config: AppConfig,
        counters: RedisCounters,
        logger: Logger,
        pulls: PullStatistics | null,
        catalog: PullThroughCatalog,
        engine: PullThroughService | null,
      ) =>
        new RegistryRouter(
          guard,
          new UploadHandler(uploads, publicUrlResolver(config), config.limits.uploadIdleTimeoutSeconds * 1000),
          new BlobHandler(new BlobService(ctx)),
          new ManifestHandler(new ManifestService(ctx), new TagService(ctx), new CatalogService(ctx), publicUrlResolver(config), pulls),
          new PullRateLimiter(
            { anonymous: config.limits.pullAnonymous, authenticated: config.limits.pullAuthenticated, windowSeconds: config.limits.pullWindowSeconds },
            // Counted in the process and sent to Redis in batches: a manifest GET does not wait on Redis.
            new BatchedRedisHitCounter(counters, logger),
            logger,
          ),
          new PullThroughHandler(catalog, engine),
        ),
    },
  ],
  exports: [RegistryRouter],
})
export class RegistryModule implements OnModuleDestroy {
  constructor(@Inject(UploadService) private readonly uploads: UploadService) {}

  /** Before the database closes: uploads whose lease this replica parked can go on elsewhere at once. */
  async onModuleDestroy(): Promise<void> {
    await this.uploads.releaseParkedLeases();
  }
}
