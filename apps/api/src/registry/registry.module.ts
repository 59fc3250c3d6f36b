import { Module } from '@nestjs/common';
import { registryContextProvider } from '@cargohold/platform';
import { BlobService, CatalogService, ManifestService, RegistryContext, TagService, UploadService } from '@cargohold/registry';
import { BlobHandler } from './blob.handler';
import { ManifestHandler } from './manifest.handler';
import { OpenAccessGuard, REGISTRY_ACCESS_GUARD, RegistryAccessGuard } from './registry-access';
import { RegistryRouter } from './registry.router';
import { UploadHandler } from './upload.handler';

/** Wires the framework-free registry services (libs/registry) into the api's raw /v2/ router. */
@Module({
  providers: [
    registryContextProvider,
    { provide: REGISTRY_ACCESS_GUARD, useClass: OpenAccessGuard },
    {
      provide: RegistryRouter,
      inject: [RegistryContext, REGISTRY_ACCESS_GUARD],
      useFactory: (ctx: RegistryContext, guard: RegistryAccessGuard) =>
        new RegistryRouter(
          guard,
          new UploadHandler(new UploadService(ctx)),
          new BlobHandler(new BlobService(ctx)),
          new ManifestHandler(new ManifestService(ctx), new TagService(ctx), new CatalogService(ctx)),
        ),
    },
  ],
  exports: [RegistryRouter, RegistryContext],
})
export class RegistryModule {}
