import { Provider } from '@nestjs/common';
import { Logger } from '@cargohold/common';
import { AppConfig } from '@cargohold/config';
import { APP_CONFIG, LOGGER } from '@cargohold/platform';
import { GarbageCollector, RegistryContext } from '@cargohold/registry';

/** The framework-free collector, built from the worker's shared registry context and configuration. */
export const garbageCollectorProvider: Provider = {
  provide: GarbageCollector,
  inject: [RegistryContext, APP_CONFIG, LOGGER],
  useFactory: (ctx: RegistryContext, config: AppConfig, logger: Logger) =>
    GarbageCollector.forContext(ctx, { reviewDelaySeconds: config.gcReviewDelay, uploadPurgeAgeSeconds: config.uploadPurgeAge }, logger),
};
