import { AzureBlobStore } from './azure-blob-store';
import { AzureBlobStoreConfig } from './azure-config';
import { BlobStore } from './blob-store';
import { FilesystemBlobStore } from './filesystem-blob-store';
import { S3BlobStore } from './s3-blob-store';
import { S3BlobStoreConfig } from './s3-config';

/** Mirrors the `storage` section of the application config, without depending on it. */
export type BlobStoreConfig =
  | { driver: 'filesystem'; root: string; directIo?: boolean }
  | { driver: 's3'; s3: S3BlobStoreConfig }
  | { driver: 'azure'; azure: AzureBlobStoreConfig };

export function createBlobStore(config: BlobStoreConfig): BlobStore {
  switch (config.driver) {
    case 'filesystem':
      return new FilesystemBlobStore(config.root, { directIo: config.directIo });
    case 's3':
      return new S3BlobStore(config.s3);
    case 'azure':
      return new AzureBlobStore(config.azure);
  }
}
