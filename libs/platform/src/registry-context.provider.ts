import { Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '@cargohold/config';
import { RegistryContext } from '@cargohold/registry';
import { BlobStore } from '@cargohold/storage';
import { APP_CONFIG, BLOB_STORE } from './tokens';

/** The registry services' shared context, built the same way in the api and the worker. */
export const registryContextProvider: Provider = {
  provide: RegistryContext,
  inject: [DataSource, BLOB_STORE, APP_CONFIG],
  useFactory: (db: DataSource, store: BlobStore, config: AppConfig) =>
    new RegistryContext(db, store, {
      gcReviewDelay: config.gcReviewDelay,
      deleteEnabled: config.deleteEnabled,
      maxUploadSessionsPerProject: config.limits.uploadSessionsPerProject,
    }),
};
