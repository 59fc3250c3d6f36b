import { BlobStore } from './blob-store';
import { FilesystemBlobStore } from './filesystem-blob-store';

/** Mirrors the `storage` section of the application config, without depending on it. */
export type BlobStoreConfig = { driver: 'filesystem'; root: string } | { driver: 's3'; s3: unknown };

export function createBlobStore(config: BlobStoreConfig): BlobStore {
  switch (config.driver) {
    case 'filesystem':
      return new FilesystemBlobStore(config.root);
    case 's3':
      throw new Error('the s3 storage driver is not available yet');
  }
}
