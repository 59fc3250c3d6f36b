import { createBlobStore } from './create-blob-store';
import { FilesystemBlobStore } from './filesystem-blob-store';

describe('createBlobStore', () => {
  it('builds a filesystem store for the filesystem driver', () => {
    const store = createBlobStore({ driver: 'filesystem', root: '/tmp/cargohold-unused' });
    expect(store).toBeInstanceOf(FilesystemBlobStore);
    expect(store.driver).toBe('filesystem');
  });

  it('refuses the s3 driver until it exists', () => {
    expect(() => createBlobStore({ driver: 's3', s3: { bucket: 'b' } })).toThrow('the s3 storage driver is not available yet');
  });
});
