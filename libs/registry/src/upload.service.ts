import { randomUUID } from 'node:crypto';
import { Hash } from 'node:crypto';
import { finished, Readable } from 'node:stream';
import { isPublishedBlobPresent, UploadNotFoundError, UploadOffsetError } from '@cargohold/storage';
import { candidateProjectPaths, parseDigest, ParsedDigest, RegistryError } from './domain';
import { ByteRange } from './domain/range';
import { HashingStream, hashStream, newHash } from './hashing';
import { RegistryContext } from './registry-context';
import { UploadHashCache } from './upload-hash-cache';
import { UploadRow } from './data/upload.repository';
import { HeldLease } from './parked-upload-leases';
import { PARKED_LEASE_SECONDS, UPLOAD_LEASE_SECONDS, UploadLeases } from './upload-leases';
import { UploadSizeRecording } from './upload-size-recording';
import { RegistryEventActor, SYSTEM_ACTOR } from './events';
import { Admission, StorageQuotaGuard } from './quota/storage-quota-guard';
import { findLinkedBlob } from './linked-blob-lookup';

/** First key of the advisory lock taken while counting a project's upload sessions ("upld"). */
const UPLOAD_LIMIT_LOCK = 0x75706c64;

export interface UploadChunk {
  body: Readable;
  /** The chunk's place in the blob, when the client sent Content-Range. */
  range?: ByteRange;
  /** Content-Length of the chunk, when the client sent it. */
  length?: number;
}

/** Publishes of one commit before giving up, when each one's blob is deleted again before it is recorded. */
const COMMIT_ATTEMPTS = 3;

/** Thrown inside a commit's transaction to roll it back (nothing created) when the blob vanished meanwhile. */
const BLOB_GONE = Symbol('blob gone');

/**
 * Blob uploads (OCI distribution "push"): monolithic, POST-then-PUT and chunked, plus cross-repository mounts.
 * Bytes are hashed as they stream into the store; a blob becomes visible only after its digest checks out.
 */
export class UploadService {
  private readonly leases: UploadLeases;
  private readonly quota: StorageQuotaGuard;

  constructor(
    private readonly ctx: RegistryContext,
    /** Told how many bytes each request stored (the api's `cargohold_registry_bytes_total{direction="in"}`). */
    private readonly onStored: (bytes: number) => void = () => undefined,
    private readonly hashes = new UploadHashCache(),
  ) {
    this.leases = new UploadLeases(ctx);
    this.quota = new StorageQuotaGuard(ctx);
  }

  /** Gives back the leases parked in this process (shutdown), so other replicas can continue those uploads at once. */
  async releaseParkedLeases(): Promise<void> {
    await this.leases.releaseParked();
  }

  /** Opens an upload session in the repository; the repository's project must exist. */
  async start(repositoryPath: string): Promise<{ id: string }> {
    const project = await this.owningProject(repositoryPath);
    const id = randomUUID();
    await this.ctx.store.createUpload(id);
    try {
      const limit = this.ctx.settings.maxUploadSessionsPerProject ?? 0;
      // One statement: with a limit, openings are counted one at a time per project, so concurrent POSTs cannot
      // overshoot it together. The session starts leased to this process and the lease is parked here, so the
      // client's first PATCH (or PUT) on this replica claims nothing (UploadLeases.parkOpened).
      const openedAt = Date.now();
      const row = await this.ctx.uploads.open(
        this.ctx.db.manager,
        { id, repositoryPath, projectId: project.id },
        limit > 0 ? { sessions: limit, lockClass: UPLOAD_LIMIT_LOCK } : null,
        PARKED_LEASE_SECONDS,
      );
      if (!row) {
        throw new RegistryError('TOOMANYREQUESTS', `the project already has ${limit} open upload sessions; finish or cancel some first`, { limit });
      }
      this.leases.parkOpened(row, openedAt + PARKED_LEASE_SECONDS * 1000);
    } catch (error) {
      await this.ctx.store.abortUpload(id).catch(() => undefined);
      throw error;
    }
    return { id };
  }

  /** POST ?digest= with the whole blob as the body. */
  async uploadMonolithic(
    repositoryPath: string,
    digest: string,
    chunk: UploadChunk,
    actor: RegistryEventActor = SYSTEM_ACTOR,
  ): Promise<{ digest: string; size: number }> {
    const expected = parseDigest(digest);
    const project = await this.owningProject(repositoryPath);
    const id = randomUUID();
    await this.ctx.store.createUpload(id);
    try {
      const { size, hash } = await this.write(id, 0, newHash('sha256'), chunk);
      await this.verify(id, expected, hash);
      const admission = await this.quota.admit({ project, repositoryPath, actor }, { kind: 'blob', digest: expected.value }, size);
      await this.commit(id, repositoryPath, project, expected.value, size, 'monolithic');
      await this.quota.settle(admission);
      return { digest: expected.value, size };
    } catch (error) {
      await this.ctx.store.abortUpload(id).catch(() => undefined);
      throw error;
    }
  }

  /** PATCH: appends a chunk; returns the upload's new size. */
  async append(repositoryPath: string, id: string, chunk: UploadChunk): Promise<{ size: number }> {
    const { size } = await this.withLease(repositoryPath, id, chunk, async (lease) => {
      const appended = await this.appendTo(lease, chunk, PARKED_LEASE_SECONDS);
      return { result: appended, after: 'park' };
    });
    return { size };
  }

  /** PUT ?digest=: the optional last chunk, then digest verification and commit. */
  async finish(
    repositoryPath: string,
    id: string,
    digest: string,
    chunk?: UploadChunk,
    actor: RegistryEventActor = SYSTEM_ACTOR,
  ): Promise<{ digest: string; size: number }> {
    const expected = parseDigest(digest);
    // The lease covers the last chunk, the digest check and the commit: no other request can write meanwhile.
    const size = await this.withLease(repositoryPath, id, chunk, async (lease) => {
      const upload = lease.row;
      let size = upload.size;
      let hash: Hash | undefined;
      let admission: Admission;
      // The lease must outlast the digest check and the commit (sha512 hashes the whole upload again).
      if (chunk) ({ size, hash } = await this.appendTo(lease, chunk, UPLOAD_LEASE_SECONDS));
      try {
        // Bytes past the recorded size (a writer that crashed before recording its chunk, or a size update
        // lost with the database) would be hashed and published under the wrong size: refuse, the client restarts.
        // A last chunk just appended needs no check: the store wrote it only at the recorded size.
        if (!chunk) await this.checkStoredSize(id, size);
        hash ??= await this.hashState(upload.id, size);
        await this.verify(id, expected, hash);
        // Over a storage limit the upload goes like a bad digest: refused, its bytes and row removed, nothing published.
        // The owning project comes with the limits (one statement); a repository moved to another project meanwhile
        // cannot receive the upload started for the first.
        admission = await this.quota.admitOwned(repositoryPath, actor, { kind: 'blob', digest: expected.value }, size);
        if (admission.target.project.id !== upload.projectId) throw new RegistryError('BLOB_UPLOAD_UNKNOWN', 'the repository moved during the upload');
      } catch (error) {
        await this.cancel(repositoryPath, id);
        throw error;
      }
      await this.commit(id, repositoryPath, admission.target.project, expected.value, size, 'session');
      await this.quota.settle(admission);
      return { result: size, after: 'done' };
    });
    return { digest: expected.value, size };
  }

  async status(repositoryPath: string, id: string): Promise<{ size: number }> {
    const upload = await this.find(repositoryPath, id);
    return { size: upload.size };
  }

  async cancel(repositoryPath: string, id: string): Promise<void> {
    await this.find(repositoryPath, id);
    this.hashes.forget(id);
    this.leases.forget(id);
    await this.ctx.uploads.delete(this.ctx.db.manager, id);
    await this.ctx.store.abortUpload(id);
  }

  /**
   * Links a blob the caller may read in `fromPath` into `repositoryPath` without moving bytes.
   * False when the source does not hold the blob, so the caller falls back to a normal upload.
   */
  async mount(repositoryPath: string, digest: string, fromPath: string, actor: RegistryEventActor = SYSTEM_ACTOR): Promise<boolean> {
    const parsed = parseDigest(digest);
    const source = await findLinkedBlob(this.ctx, fromPath, parsed.value);
    if (!source) return false;
    // Free within the top-level namespace; from another one it brings the blob's bytes, refused over a limit.
    const admission = await this.quota.admitOwned(repositoryPath, actor, { kind: 'blob', digest: parsed.value }, source.size);
    // One statement, no transaction: the repository, the blob row locked against GC, the link (BlobRepository.mount).
    const mounted = await this.ctx.blobs.mount(this.ctx.db.manager, admission.target.project, repositoryPath, parsed.value);
    if (mounted) await this.quota.settle(admission);
    return mounted;
  }

  /** Removes upload sessions untouched for `olderThanSeconds` (abandoned pushes); returns how many. */
  async purgeStale(olderThanSeconds: number): Promise<number> {
    const ids = await this.ctx.uploads.listStale(this.ctx.db.manager, olderThanSeconds, 1000);
    for (const id of ids) {
      this.hashes.forget(id);
      await this.ctx.store.abortUpload(id);
      await this.ctx.uploads.delete(this.ctx.db.manager, id);
    }
    return ids.length;
  }

  /**
   * Runs `work` under the upload's write lease (UploadLeases), after refusing with RANGE_INVALID a chunk that does not
   * continue the upload where it stands, before any byte is written.
   */
  private async withLease<T>(
    repositoryPath: string,
    id: string,
    chunk: UploadChunk | undefined,
    work: (lease: HeldLease) => Promise<{ result: T; after: 'park' | 'done' }>,
  ): Promise<T> {
    assertUploadId(id);
    return this.leases.hold(repositoryPath, id, chunk?.body, async (lease) => {
      if (lease.claimed && (await this.reconcile(lease)) && chunk) {
        // The client cannot know the size the upload was brought back to: it asks (GET) and continues from there.
        chunk.body.resume();
        throw new RegistryError('RANGE_INVALID', `the upload was brought back to ${lease.row.size} bytes after its writer stopped: continue from there`, { size: lease.row.size });
      }
      if (chunk) checkChunk(lease.row, chunk);
      return work(lease);
    });
  }

  /**
   * Brings the stored bytes in line with the recorded size when this request took the upload over from another
   * writer (claimed its lease in the database): one that died mid-chunk leaves bytes past the recorded size, which
   * the store cuts, so the client's next chunk continues from the upload's `Range`. When the store answers another
   * size (S3's state is always whole; a filesystem upload shorter than recorded), that size is recorded instead.
   * True when the recorded size changed.
   */
  private async reconcile(lease: HeldLease): Promise<boolean> {
    const { id, size: recorded } = lease.row;
    let held: number;
    try {
      held = await this.ctx.store.reconcileUpload(id, recorded);
    } catch (error) {
      if (error instanceof UploadNotFoundError) throw new RegistryError('BLOB_UPLOAD_UNKNOWN', 'the upload is gone from storage: start it again');
      throw error;
    }
    if (held === recorded) return false;
    this.hashes.forget(id);
    if (!(await this.ctx.uploads.advance(this.ctx.db.manager, id, recorded, held, UPLOAD_LEASE_SECONDS))) {
      throw new RegistryError('BLOB_UPLOAD_INVALID', 'the upload was changed by a concurrent request');
    }
    lease.row = { ...lease.row, size: held };
    return true;
  }

  /** Appends a chunk under `lease` and records the new size, which also sets the lease to `leaseSeconds` from now. */
  private async appendTo(lease: HeldLease, chunk: UploadChunk, leaseSeconds: number): Promise<{ size: number; hash: Hash }> {
    const { id, size: from } = lease.row;
    const hash = await this.hashState(id, from);
    const recording = new UploadSizeRecording(this.ctx, id, from, leaseSeconds);
    let size: number;
    try {
      // The size is recorded as soon as the body has ended, while the store still writes its last bytes:
      // the client waits for one of the two, not for both in turn.
      size = (await this.write(id, from, hash, chunk, (bytes) => recording.start(from + bytes))).size;
      if (!(await recording.done()) || size !== recording.to) throw new RegistryError('BLOB_UPLOAD_INVALID', 'the upload was changed by a concurrent request');
    } catch (error) {
      this.hashes.forget(id);
      await recording.undo();
      throw error;
    }
    lease.row = { ...lease.row, size };
    lease.endsAt = recording.startedAt + leaseSeconds * 1000;
    this.hashes.put(id, size, hash.copy());
    return { size, hash };
  }

  private async write(id: string, offset: number, hash: Hash, chunk: UploadChunk, onEnd?: (bytes: number) => void): Promise<{ size: number; hash: Hash }> {
    const hashing = new HashingStream(hash, onEnd);
    // pipe() does not forward errors: without this, a client that hangs up mid-chunk would leave the store's
    // write waiting forever (holding the upload's lock, its partial bytes never truncated back).
    finished(chunk.body, (error) => {
      if (error) hashing.destroy(error);
    });
    // The store's pipeline reports that error; when the store refused before reading, nobody listens, and an
    // unhandled 'error' event would take the whole process down.
    hashing.on('error', () => undefined);
    try {
      const size = await this.ctx.store.appendUpload(id, offset, chunk.body.pipe(hashing));
      this.onStored(size - offset);
      return { size, hash };
    } catch (error) {
      this.hashes.forget(id);
      if (error instanceof UploadOffsetError) {
        throw new RegistryError('RANGE_INVALID', error.message);
      }
      if (error instanceof UploadNotFoundError) throw new RegistryError('BLOB_UPLOAD_UNKNOWN', 'the upload is gone from storage or already committed');
      throw error;
    }
  }

  /** The sha256 state after `offset` bytes: from this process's cache, or rebuilt from the stored bytes. */
  private async hashState(id: string, offset: number): Promise<Hash> {
    const cached = this.hashes.take(id, offset);
    if (cached) return cached;
    const hash = newHash('sha256');
    if (offset > 0) {
      const hashed = await hashStream(await this.ctx.store.readUpload(id), hash);
      // Bytes past the recorded size would put the wrong state in the cache: refuse (reconcile keeps this rare).
      if (hashed !== offset) throw new RegistryError('BLOB_UPLOAD_INVALID', `the upload holds ${hashed} bytes but ${offset} were recorded: start it again`);
    }
    return hash;
  }

  private async checkStoredSize(id: string, recorded: number): Promise<void> {
    const stored = await this.ctx.store.uploadSize(id);
    if (stored !== recorded) throw new RegistryError('BLOB_UPLOAD_INVALID', `the upload holds ${stored} bytes but ${recorded} were recorded: start it again`);
  }

  private async verify(id: string, expected: ParsedDigest, sha256: Hash): Promise<void> {
    let actual: string;
    if (expected.algorithm === 'sha256') {
      actual = `sha256:${sha256.digest('hex')}`;
    } else {
      // sha512 is rare: hash the stored bytes again rather than hashing every push twice.
      const hash = newHash('sha512');
      await hashStream(await this.ctx.store.readUpload(id), hash);
      actual = `sha512:${hash.digest('hex')}`;
    }
    this.hashes.forget(id);
    if (actual !== expected.value) {
      throw new RegistryError('DIGEST_INVALID', undefined, { expected: expected.value, actual });
    }
  }

  /**
   * Makes the bytes visible. The store first writes them at their content address, outside any transaction (on
   * S3 a multipart copy of up to 10 000 parts, which must not hold the blob row's lock); then one short
   * transaction inserts or locks the `blobs` row (the lock garbage collection takes before it deletes a blob),
   * checks that the bytes are still there, links the blob to the repository and ends the upload session. GC or
   * the orphan sweeper may have deleted the bytes between the two steps (a blob no longer used, re-pushed just
   * then; bytes with no row yet): under the lock that is seen, the transaction rolls back and the upload, which
   * the store kept, is published again. The upload's own bytes (chunk objects, its file) go after the commit.
   */
  private async commit(
    id: string,
    repositoryPath: string,
    project: { id: number; fullPath: string },
    digest: string,
    size: number,
    kind: 'session' | 'monolithic',
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await this.ctx.store.publishUpload(id, digest);
      const recorded = await this.ctx.db
        .transaction(async (db) => {
          // The repository row, then the blob row inserted or locked against GC: one statement.
          const repository = await this.ctx.blobs.ensureRepositoryAndLock(db, project, repositoryPath, digest, size);
          if (!(await isPublishedBlobPresent(this.ctx.store, digest))) throw BLOB_GONE; // deleted since it was published: roll back
          // The session's row goes in the same statement: once the blob is recorded no request can reach the upload.
          await this.ctx.blobs.link(db, repository.id, digest, kind === 'session' ? id : undefined);
          return true;
        })
        .catch((error) => {
          if (error === BLOB_GONE) return false;
          throw error;
        });
      if (recorded) break;
      if (attempt >= COMMIT_ATTEMPTS) throw new Error(`the blob ${digest} was deleted ${attempt} times while upload ${id} was being committed`);
    }
    this.hashes.forget(id);
    // Best effort: an upload left behind has no row any more, and the orphan sweeper removes it.
    await this.ctx.store.abortUpload(id).catch(() => undefined);
  }

  private async find(repositoryPath: string, id: string): Promise<UploadRow> {
    assertUploadId(id);
    const upload = await this.ctx.uploads.find(this.ctx.db.manager, id, repositoryPath);
    if (!upload) throw new RegistryError('BLOB_UPLOAD_UNKNOWN');
    return upload;
  }

  private async owningProject(repositoryPath: string): Promise<{ id: number; fullPath: string }> {
    const project = await this.ctx.projects.findOwning(this.ctx.db.manager, candidateProjectPaths(repositoryPath));
    if (!project) {
      throw new RegistryError('NAME_UNKNOWN', `no project owns the repository ${repositoryPath}`, { name: repositoryPath });
    }
    return project;
  }
}

/** Upload ids are the UUIDs this service hands out; anything else cannot name a session. */
function assertUploadId(id: string): void {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) throw new RegistryError('BLOB_UPLOAD_UNKNOWN');
}

/** Refuses a chunk that does not continue the upload where it stands, before a byte is written. */
function checkChunk(upload: UploadRow, chunk: UploadChunk): void {
  if (chunk.range) {
    if (chunk.range.start !== upload.size) {
      throw new RegistryError('RANGE_INVALID', `chunk starts at ${chunk.range.start} but the upload is at ${upload.size}`, { size: upload.size });
    }
    const rangeLength = chunk.range.end - chunk.range.start + 1;
    if (chunk.length !== undefined && chunk.length !== rangeLength) {
      throw new RegistryError('RANGE_INVALID', `Content-Range covers ${rangeLength} bytes but Content-Length is ${chunk.length}`);
    }
  }
}
