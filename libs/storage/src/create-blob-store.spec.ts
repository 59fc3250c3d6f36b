import { AzureBlobStore } from './azure-blob-store';
import { createBlobStore } from './create-blob-store';
import { FilesystemBlobStore } from './filesystem-blob-store';
import { S3BlobStore } from './s3-blob-store';

describe('createBlobStore', () => {
  it('builds a filesystem store for the filesystem driver', () => {
    const store = createBlobStore({ driver: 'filesystem', root: '/tmp/cargohold-unused' });
    expect(store).toBeInstanceOf(FilesystemBlobStore);
    expect(store.driver).toBe('filesystem');
  });

  it('builds an s3 store for the s3 driver without contacting the server', () => {
    const s3 = { bucket: 'b', region: 'us-east-1', endpoint: 'http://127.0.0.1:1', forcePathStyle: true, redirect: false };
    const store = createBlobStore({ driver: 's3', s3 });
    expect(store).toBeInstanceOf(S3BlobStore);
    expect(store.driver).toBe('s3');
  });

  it('builds an azure store for the azure driver without contacting the service', () => {
    const azure = { container: 'registry', accountName: 'acme', accountKey: Buffer.from('key').toString('base64'), endpoint: 'http://127.0.0.1:1/acme', redirect: false };
    const store = createBlobStore({ driver: 'azure', azure });
    expect(store).toBeInstanceOf(AzureBlobStore);
    expect(store.driver).toBe('azure');
    expect(createBlobStore({ driver: 'azure', azure: { container: 'registry', connectionString: 'UseDevelopmentStorage=true', redirect: false } }).driver).toBe('azure');
  });

  it('refuses an s3 configuration without a bucket', () => {
    const s3 = { bucket: '', region: 'us-east-1', forcePathStyle: false, redirect: false };
    expect(() => createBlobStore({ driver: 's3', s3 })).toThrow('needs a bucket (S3_BUCKET)');
  });
});
