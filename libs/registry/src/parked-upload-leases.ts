import { UploadRow } from './data/upload.repository';

/** An upload's write lease as its holder sees it. */
export interface HeldLease {
  /** The upload as it stands under the lease (its size as this holder recorded it). */
  row: UploadRow;
  /** When the lease recorded in the database runs out, by this process's clock (taken before it was set). */
  endsAt: number;
  /**
   * Claimed in the database rather than parked here by this process's previous chunk: the previous writer may
   * have been another replica, or one that died mid-chunk, so the stored bytes are reconciled first.
   */
  claimed?: boolean;
}

interface Parked {
  lease: HeldLease;
  timer: NodeJS.Timeout;
}

/**
 * Write leases this process keeps for a moment after a chunk, instead of giving them back at once.
 *
 * Why: a chunked push is a run of PATCHes, each sent as soon as the previous one is answered, almost always on
 * the same keep-alive connection and so to the same replica. Taking the lease back from the database cost each
 * chunk a round trip while the client waited (about 1 ms of every ~25 ms 16 MiB chunk; chunked pushes were 10%
 * faster without it, docs/performance.md). A parked lease is still held in the database, so no other request
 * can write meanwhile; the next chunk on this replica takes it from here with the size this process recorded.
 * When nothing comes within `parkMs`, the lease is released; a request on another replica that found it held
 * waits for that (UploadService retries a busy claim for a few hundred milliseconds).
 */
export class ParkedUploadLeases {
  private readonly parked = new Map<string, Parked>();

  constructor(
    private readonly release: (id: string) => Promise<void>,
    private readonly parkMs = 100,
    /** A parked lease is only handed out while this much of it is left (its chunk renews it within a second). */
    private readonly minimumLeftMs = 2_000,
  ) {}

  /** Keeps a lease just used for a chunk, until the next request on this upload takes it or `parkMs` pass. */
  park(lease: HeldLease): void {
    const { id } = lease.row;
    this.forget(id);
    const timer = setTimeout(() => {
      if (this.parked.get(id)?.timer !== timer) return;
      this.parked.delete(id);
      void this.release(id).catch(() => undefined); // a lost release lapses with the lease
    }, this.parkMs);
    timer.unref();
    this.parked.set(id, { lease, timer });
  }

  /** A lease parked here for this upload of this repository, now the caller's; undefined when none is. */
  take(id: string, repositoryPath: string): HeldLease | undefined {
    const entry = this.parked.get(id);
    if (!entry || entry.lease.row.repositoryPath !== repositoryPath) return undefined;
    this.forget(id);
    if (entry.lease.endsAt - Date.now() < this.minimumLeftMs) {
      void this.release(id).catch(() => undefined); // too little left for a chunk: claim afresh once it is free
      return undefined;
    }
    return entry.lease;
  }

  /** Drops a parked lease without releasing it (the upload is gone or its lease is being handled). */
  forget(id: string): void {
    const entry = this.parked.get(id);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.parked.delete(id);
  }

  /** Releases every parked lease now (shutdown), so other replicas need not wait for them. */
  async releaseAll(): Promise<void> {
    const ids = [...this.parked.keys()];
    ids.forEach((id) => this.forget(id));
    await Promise.all(ids.map((id) => this.release(id).catch(() => undefined)));
  }

  get size(): number {
    return this.parked.size;
  }
}
