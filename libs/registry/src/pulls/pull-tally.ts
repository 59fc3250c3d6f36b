/** How often something was pulled since the last write, and when last (ms since the epoch). */
export interface PullCount {
  n: number;
  last: number;
}

/** The pulls of one manifest since the last write: in all, by its digest, and by each tag name that served it. */
interface ManifestPulls {
  total: PullCount;
  byDigest: PullCount | null;
  byTag: Map<string, PullCount> | null;
}

/**
 * What one write of the pull statistics adds. Tags are found through the manifest that was served (a tag that
 * moved since then is not credited with a pull of another image); rows skipped by a write because they were
 * locked come back here by id and are tried again.
 */
export interface PullBatch {
  manifests: Array<{ manifestId: number; n: number; at: Date }>;
  /** GETs by tag name: the tag `name` that points at `manifestId`. */
  tagsByName: Array<{ manifestId: number; name: string; n: number; at: Date }>;
  /** GETs by digest: every tag that points at `manifestId`. */
  tagsByDigest: Array<{ manifestId: number; n: number; at: Date }>;
  retriedTags: Array<{ id: number; n: number; at: Date }>;
  retriedManifests: Array<{ id: number; n: number; at: Date }>;
}

/** Rows a write did not update because another transaction held them (a push moving the tag, a delete). */
export interface PullBatchSkipped {
  tags: Array<{ id: number; n: number; at: Date }>;
  manifests: Array<{ id: number; n: number; at: Date }>;
}

/** Pulls counted in memory between two writes: one map entry per manifest pulled, one more per tag name. */
export class PullTally {
  private readonly manifests = new Map<number, ManifestPulls>();
  private readonly retriedTags = new Map<number, PullCount>();
  private readonly retriedManifests = new Map<number, PullCount>();
  private keys = 0;

  /** Distinct things counted (manifests, tag names, retried rows): what bounds the memory and the next write. */
  get size(): number {
    return this.keys;
  }

  /** One GET (or `n` of them) of a manifest, by `tag` or, when null, by digest. */
  add(manifestId: number, tag: string | null, at: number, n = 1): void {
    let pulls = this.manifests.get(manifestId);
    if (!pulls) {
      pulls = { total: { n: 0, last: 0 }, byDigest: null, byTag: null };
      this.manifests.set(manifestId, pulls);
      this.keys++;
    }
    bump(pulls.total, n, at);
    if (tag === null) {
      pulls.byDigest ??= { n: 0, last: 0 };
      bump(pulls.byDigest, n, at);
      return;
    }
    pulls.byTag ??= new Map();
    const byName = pulls.byTag.get(tag);
    if (byName) {
      bump(byName, n, at);
    } else {
      pulls.byTag.set(tag, { n, last: at });
      this.keys++;
    }
  }

  /** Puts back what a write left out: skipped rows by id, or a whole failed batch. */
  addSkipped(skipped: PullBatchSkipped): void {
    this.mergeRows(this.retriedTags, skipped.tags);
    this.mergeRows(this.retriedManifests, skipped.manifests);
  }

  /** Every pull was by a tag or by digest, so adding those back rebuilds each manifest's total as well. */
  addBatch(batch: PullBatch): void {
    for (const tag of batch.tagsByName) this.add(tag.manifestId, tag.name, tag.at.getTime(), tag.n);
    for (const digest of batch.tagsByDigest) this.add(digest.manifestId, null, digest.at.getTime(), digest.n);
    this.addSkipped({ tags: batch.retriedTags, manifests: batch.retriedManifests });
  }

  toBatch(): PullBatch {
    const batch: PullBatch = { manifests: [], tagsByName: [], tagsByDigest: [], retriedTags: [], retriedManifests: [] };
    for (const [manifestId, pulls] of this.manifests) {
      batch.manifests.push({ manifestId, n: pulls.total.n, at: new Date(pulls.total.last) });
      if (pulls.byDigest) batch.tagsByDigest.push({ manifestId, n: pulls.byDigest.n, at: new Date(pulls.byDigest.last) });
      for (const [name, count] of pulls.byTag ?? []) batch.tagsByName.push({ manifestId, name, n: count.n, at: new Date(count.last) });
    }
    for (const [id, count] of this.retriedTags) batch.retriedTags.push({ id, n: count.n, at: new Date(count.last) });
    for (const [id, count] of this.retriedManifests) batch.retriedManifests.push({ id, n: count.n, at: new Date(count.last) });
    return batch;
  }

  private mergeRows(into: Map<number, PullCount>, rows: Array<{ id: number; n: number; at: Date }>): void {
    for (const row of rows) {
      const count = into.get(row.id);
      if (count) {
        bump(count, row.n, row.at.getTime());
      } else {
        into.set(row.id, { n: row.n, last: row.at.getTime() });
        this.keys++;
      }
    }
  }
}

function bump(count: PullCount, n: number, at: number): void {
  count.n += n;
  if (at > count.last) count.last = at;
}
