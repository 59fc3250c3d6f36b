import { DynamicModule, Global, Module, ModuleMetadata } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '@cargohold/config';
import { ManifestCache, RegistryChangeNotifier, RegistryContext, RegistryEventSink } from '@cargohold/registry';
import { BlobStore } from '@cargohold/storage';
import { APP_CONFIG, BLOB_STORE, MANIFEST_CACHE, REGISTRY_CHANGE_NOTIFIER, REGISTRY_EVENT_SINK } from './tokens';

export interface RegistryContextModuleOptions {
  /**
   * The modules that provide the process's listeners: REGISTRY_EVENT_SINK (webhooks and audit),
   * REGISTRY_CHANGE_NOTIFIER (manifest cache coherence) and, in the api only, MANIFEST_CACHE.
   */
  imports: NonNullable<ModuleMetadata['imports']>;
}

/**
 * The process's one RegistryContext, built once from the shared resources (CoreModule) and the listeners the app
 * hands in. Imported once, by the app's root module; global, so every module that wires registry services
 * injects this same context.
 */
@Global()
@Module({})
export class RegistryContextModule {
  static forRoot(options: RegistryContextModuleOptions): DynamicModule {
    return {
      module: RegistryContextModule,
      imports: options.imports,
      providers: [
        {
          provide: RegistryContext,
          inject: [DataSource, BLOB_STORE, APP_CONFIG, REGISTRY_EVENT_SINK, REGISTRY_CHANGE_NOTIFIER, { token: MANIFEST_CACHE, optional: true }],
          useFactory: (db: DataSource, store: BlobStore, config: AppConfig, events: RegistryEventSink, changes: RegistryChangeNotifier, manifestCache?: ManifestCache) =>
            new RegistryContext(
              db,
              store,
              {
                gcReviewDelay: config.gcReviewDelay,
                deleteEnabled: config.deleteEnabled,
                maxUploadSessionsPerProject: config.limits.uploadSessionsPerProject,
              },
              { events, changes, manifestCache },
            ),
        },
      ],
      exports: [RegistryContext],
    };
  }
}
