import { setTimeout as sleep } from 'node:timers/promises';
import { RegistryError } from './domain';
import { UploadRow } from './data/upload.repository';
import { HeldLease, ParkedUploadLeases } from './parked-upload-leases';
import { RegistryContext } from './registry-context';

/** How long a write lease lasts without renewal: what a writer that crashed mid-chunk delays a resume by, at most. */
export const UPLOAD_LEASE_SECONDS = 30;
/**
 * What is left of a lease once its chunk is recorded (parked for the next one): short, so that an upload whose
 * writer crashed between chunks can go on elsewhere within seconds; a chunk taking longer than FIRST_RENEWAL_MS
 * renews it to the full {@link UPLOAD_LEASE_SECONDS}.
 */
export const PARKED_LEASE_SECONDS = 5;
const FIRST_RENEWAL_MS = 1000;
/** A held lease is renewed this often while a chunk streams, after the first renewal. */
const LEASE_RENEWAL_MS = (UPLOAD_LEASE_SECONDS * 1000) / 3;
/**
 * Waits before claiming again a lease another request holds: one parked on another replica is released within
 * about 100 ms (ParkedUploadLeases), so a client that moves to another replica between chunks waits, not fails.
 */
const BUSY_CLAIM_RETRY_MS = [10, 20, 40, 80, 160];

/** What to do with a lease once the work under it succeeded: keep it parked for a next chunk, or nothing (gone). */
export type AfterLease = 'park' | 'done';

/**
 * An upload's write lease, shared by every api replica through its `uploads` row: only the holder writes bytes,
 * so concurrent requests on different replicas can never interleave them. Claimed in PostgreSQL, or taken
 * without a round trip from this process when its previous chunk left it parked here.
 */
export class UploadLeases {
  private readonly parked: ParkedUploadLeases;

  constructor(private readonly ctx: RegistryContext) {
    this.parked = new ParkedUploadLeases((id) => ctx.uploads.release(ctx.db.manager, id));
  }

  /**
   * Runs `work` holding the lease of upload `id` (renewed while a long chunk streams). After success the lease is
   * parked or dropped as `work` says; after a failure it is released. `body`, the request's unread body, is
   * drained when the lease cannot be had.
   */
  async hold<T>(repositoryPath: string, id: string, body: { resume(): unknown } | undefined, work: (lease: HeldLease) => Promise<{ result: T; after: AfterLease }>): Promise<T> {
    const db = this.ctx.db.manager;
    const lease = await this.claim(repositoryPath, id, body);
    const renewal = renewWhileHeld(() => this.ctx.uploads.renew(db, id, UPLOAD_LEASE_SECONDS));
    let after: AfterLease | 'release' = 'release';
    try {
      const done = await work(lease);
      after = done.after;
      return done.result;
    } finally {
      renewal.stop();
      if (after === 'park') this.parked.park(lease);
      else if (after === 'release') await this.ctx.uploads.release(db, id).catch(() => undefined);
    }
  }

  /**
   * Parks the lease a session was opened with (UploadRepository.open), as a chunk parks its lease: the client's
   * next request on this replica takes it without a claim; nothing coming, it is released like any parked lease.
   * `endsAt`: when the recorded lease runs out, by a clock read before the session was opened.
   */
  parkOpened(row: UploadRow, endsAt: number): void {
    this.parked.park({ row, endsAt });
  }

  /** Forgets a lease parked here for an upload that is gone (cancelled): nothing is left to release. */
  forget(id: string): void {
    this.parked.forget(id);
  }

  /** Gives back the leases parked in this process (shutdown), so other replicas can continue those uploads at once. */
  async releaseParked(): Promise<void> {
    await this.parked.releaseAll();
  }

  /**
   * Parked here by the upload's previous chunk, or claimed in the database, finding the upload in the same
   * statement. A lease held elsewhere is waited for a little (another replica's parked lease); unknown and busy
   * are told apart only when refused.
   */
  private async claim(repositoryPath: string, id: string, body: { resume(): unknown } | undefined): Promise<HeldLease> {
    const parked = this.parked.take(id, repositoryPath);
    if (parked) return parked;
    for (let attempt = 0; ; attempt++) {
      const claimedAt = Date.now();
      const row = await this.ctx.uploads.claim(this.ctx.db.manager, id, repositoryPath, UPLOAD_LEASE_SECONDS);
      if (row) return { row, endsAt: claimedAt + UPLOAD_LEASE_SECONDS * 1000, claimed: true };
      const current = await this.ctx.uploads.find(this.ctx.db.manager, id, repositoryPath);
      if (!current) throw new RegistryError('BLOB_UPLOAD_UNKNOWN');
      if (attempt >= BUSY_CLAIM_RETRY_MS.length) {
        body?.resume();
        throw new RegistryError('RANGE_INVALID', 'the upload is receiving another request or has moved on: check its status', { size: current.size });
      }
      await sleep(BUSY_CLAIM_RETRY_MS[attempt]);
    }
  }
}

/** Renews a lease soon after a chunk starts (a parked lease has seconds left), then every LEASE_RENEWAL_MS. */
function renewWhileHeld(renew: () => Promise<void>): { stop(): void } {
  let timer: NodeJS.Timeout;
  const tick = (delay: number) => {
    timer = setTimeout(() => {
      void renew().catch(() => undefined);
      tick(LEASE_RENEWAL_MS);
    }, delay);
  };
  tick(FIRST_RENEWAL_MS);
  return { stop: () => clearTimeout(timer) };
}
