import { DataSource } from 'typeorm';
import { BlobStore } from '@cargohold/storage';
import { GarbageCollector } from './garbage-collector';
import { GcRepository } from './gc.repository';
import { NO_REGISTRY_CHANGES } from '../manifest-cache';

/**
 * The collector's decisions and their order, with the SQL replaced by a scripted fake. The locking itself is
 * exercised against PostgreSQL by test/e2e/gc-*.e2e-spec.ts.
 */
describe('GarbageCollector', () => {
  const A = `sha256:${'a'.repeat(64)}`;
  const B = `sha256:${'b'.repeat(64)}`;
  let events: string[];
  let store: BlobStore;
  let db: DataSource;
  let queries: Array<{ sql: string; params: unknown[] }>;

  function fakeSql(overrides: Partial<Record<keyof GcRepository, (...args: any[]) => unknown>>): void {
    const defaults: Partial<Record<keyof GcRepository, (...args: any[]) => unknown>> = {
      dueManifestReviews: () => [],
      dueBlobReviews: () => [],
      manifestBlobDigests: () => [],
      lockBlobs: (_db: unknown, digests: string[]) => {
        events.push(`lockBlobs ${digests.join(',')}`);
        return new Map();
      },
      claimBlobReview: (_db: unknown, digest: string) => (events.push(`claim ${digest}`), true),
      claimManifestReview: (_db: unknown, id: number) => (events.push(`claim ${id}`), true),
      removeUnusedLink: () => 0,
      dropBlobReview: (_db: unknown, digest: string) => events.push(`drop ${digest}`),
      dropManifestReview: (_db: unknown, id: number) => events.push(`drop ${id}`),
      deleteBlob: (_db: unknown, digest: string) => events.push(`deleteRow ${digest}`),
      deleteManifest: (_db: unknown, id: number) => events.push(`deleteManifest ${id}`),
      dependants: () => [],
    };
    for (const [name, impl] of Object.entries({ ...defaults, ...overrides })) {
      jest.spyOn(GcRepository.prototype, name as keyof GcRepository).mockImplementation(async (...args: unknown[]) => (impl as (...a: unknown[]) => unknown)(...args) as never);
    }
  }

  beforeEach(() => {
    events = [];
    queries = [];
    store = { delete: jest.fn(async (digests: string[]) => void events.push(`storeDelete ${digests.join(',')}`)) } as unknown as BlobStore;
    const tx = { query: async (sql: string, params: unknown[]) => void queries.push({ sql, params }) };
    db = {
      manager: {},
      transaction: async (fn: (manager: unknown) => Promise<unknown>) => {
        events.push('begin');
        const result = await fn(tx);
        events.push('commit');
        return result;
      },
    } as unknown as DataSource;
  });

  afterEach(() => jest.restoreAllMocks());

  const collector = () => new GarbageCollector({ db, store, sql: new GcRepository(), changes: NO_REGISTRY_CHANGES }, { reviewDelaySeconds: 60, uploadPurgeAgeSeconds: 3600 });

  it('deletes an unreferenced blob from storage first, then its row, inside one transaction', async () => {
    let offered = false;
    fakeSql({
      dueBlobReviews: () => (offered ? [] : ((offered = true), [A])),
      tryLockBlob: () => ({ size: 123 }),
      blobHolders: () => ({ links: 0, manifests: false }),
    });
    const result = await collector().review();
    expect(events).toEqual(['begin', `claim ${A}`, `storeDelete ${A}`, `deleteRow ${A}`, 'commit']);
    expect(result).toMatchObject({ blobsReviewed: 1, blobsDeleted: 1, bytesReclaimed: 123, skipped: 0 });
  });

  it('keeps a blob a manifest still references, and only drops its queue row', async () => {
    let offered = false;
    fakeSql({
      dueBlobReviews: () => (offered ? [] : ((offered = true), [A])),
      tryLockBlob: () => ({ size: 5 }),
      blobHolders: () => ({ links: 1, manifests: true }),
    });
    const result = await collector().review();
    expect(store.delete).not.toHaveBeenCalled();
    expect(events).toContain(`drop ${A}`);
    expect(result).toMatchObject({ blobsDeleted: 0, bytesReclaimed: 0 });
  });

  it('leaves a blob whose row a push holds for the next run, without offering it again in this one', async () => {
    const skips: string[][] = [];
    fakeSql({
      dueBlobReviews: (_db: unknown, skip: string[]) => {
        skips.push([...skip]);
        return skip.includes(A) ? [] : [A];
      },
      tryLockBlob: () => 'locked',
    });
    const result = await collector().review();
    expect(skips).toEqual([[], [A]]);
    expect(store.delete).not.toHaveBeenCalled();
    expect(events).not.toContain(`drop ${A}`);
    expect(result).toMatchObject({ blobsReviewed: 0, skipped: 1 });
  });

  it('keeps a blob that only a repository link holds: an upload waiting for its manifest', async () => {
    let offered = false;
    fakeSql({
      dueBlobReviews: () => (offered ? [] : ((offered = true), [A])),
      tryLockBlob: () => ({ size: 5 }),
      blobHolders: () => ({ links: 1, manifests: false }),
    });
    const result = await collector().review();
    expect(store.delete).not.toHaveBeenCalled();
    expect(events).toEqual(['begin', `claim ${A}`, `drop ${A}`, 'commit']);
    expect(result).toMatchObject({ blobsReviewed: 1, blobsDeleted: 0 });
  });

  it('locks a manifest after its blobs (the order pushes use), keeps it when tagged', async () => {
    let offered = false;
    fakeSql({
      dueManifestReviews: () => (offered ? [] : ((offered = true), [7])),
      manifestBlobDigests: () => [A, B],
      lockManifest: () => (events.push('lockManifest 7'), { id: 7, repositoryId: 1, digest: B, subjectDigest: null }),
      manifestFacts: () => ({ tagged: true, referencedByIndex: false, subjectExists: false }),
    });
    const result = await collector().review();
    expect(events).toEqual(['begin', `lockBlobs ${A},${B}`, 'lockManifest 7', 'claim 7', 'drop 7', 'commit']);
    expect(result).toMatchObject({ manifestsReviewed: 1, manifestsDeleted: 0 });
  });

  it('deletes a dangling manifest, unlinks its blobs from the repository and queues them and its dependants', async () => {
    let offered = false;
    const unlinked: Array<[string, number]> = [];
    fakeSql({
      dueManifestReviews: () => (offered ? [] : ((offered = true), [7])),
      manifestBlobDigests: () => [A, B],
      lockManifest: () => ({ id: 7, repositoryId: 3, digest: B, subjectDigest: null }),
      manifestFacts: () => ({ tagged: false, referencedByIndex: false, subjectExists: false }),
      dependants: () => [8, 9],
      removeUnusedLink: (_db: unknown, repositoryId: number, digest: string) => {
        unlinked.push([digest, repositoryId]);
        return 1;
      },
    });
    const result = await collector().review();
    expect(events).toContain('deleteManifest 7');
    expect(unlinked).toEqual([[A, 3], [B, 3]]);
    expect(queries.map((q) => q.params[0])).toEqual([[8, 9], [A, B]]);
    expect(queries[0].sql).toContain('gc_manifest_review_queue');
    expect(queries[1].sql).toContain('gc_blob_review_queue');
    expect(result).toMatchObject({ manifestsReviewed: 1, manifestsDeleted: 1, linksRemoved: 2 });
  });

  it('skips an item whose review throws (e.g. a deadlock victim) and carries on with the rest', async () => {
    let calls = 0;
    fakeSql({
      dueBlobReviews: (_db: unknown, skip: string[]) => [A, B].filter((digest) => !skip.includes(digest) && calls < 2),
      tryLockBlob: (_db: unknown, digest: string) => {
        calls++;
        if (digest === A) throw new Error('deadlock detected');
        return { size: 1 };
      },
      blobHolders: () => ({ links: 0, manifests: false }),
    });
    const result = await collector().review();
    expect(result).toMatchObject({ blobsDeleted: 1, skipped: 1 });
    expect(store.delete).toHaveBeenCalledWith([B]);
  });
});
