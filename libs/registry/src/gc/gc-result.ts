/** What one garbage collection pass did. Every field is a count except `bytesReclaimed`. */
export interface GcResult {
  manifestsReviewed: number;
  manifestsDeleted: number;
  blobsReviewed: number;
  blobsDeleted: number;
  /** Repository links removed because no manifest in the repository references the blob any more. */
  linksRemoved: number;
  /** Files in the store with no `blobs` row (bytes of crashed uploads), deleted. */
  orphanBlobsDeleted: number;
  /** Uploads in the store with no `uploads` row, aborted. */
  orphanUploadsAborted: number;
  /** Bytes of deleted blobs and orphan files. */
  bytesReclaimed: number;
  /** Items skipped because a push held their lock; they stay queued for the next run. */
  skipped: number;
}

export function emptyGcResult(): GcResult {
  return {
    manifestsReviewed: 0,
    manifestsDeleted: 0,
    blobsReviewed: 0,
    blobsDeleted: 0,
    linksRemoved: 0,
    orphanBlobsDeleted: 0,
    orphanUploadsAborted: 0,
    bytesReclaimed: 0,
    skipped: 0,
  };
}

/** Field-wise sum, for totals over several passes. */
export function addGcResults(a: GcResult, b: GcResult): GcResult {
  const sum = emptyGcResult();
  for (const key of Object.keys(sum) as Array<keyof GcResult>) sum[key] = a[key] + b[key];
  return sum;
}

/** The part of a pino logger the collector uses. */
export interface GcLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface GcOptions {
  /** GC_REVIEW_DELAY: seconds an unreferenced manifest, blob or orphan file waits before it may be deleted. */
  reviewDelaySeconds: number;
  /** UPLOAD_PURGE_AGE: seconds an upload without an `uploads` row waits before it is aborted. */
  uploadPurgeAgeSeconds: number;
  /** Queue items reviewed per batch transaction (default: 200 manifests, 500 blobs). */
  batchSize?: number;
  /** Blob batches reviewed at once, each in its own transaction (default 2). */
  blobStreams?: number;
}

/** Which decision the manifest recheck reached, and why (logged, and asserted by tests). */
export type ManifestVerdict = 'tagged' | 'referenced_by_index' | 'referrer_of_existing_subject' | 'restorable_tag' | 'dangling';

export interface ManifestFacts {
  tagged: boolean;
  referencedByIndex: boolean;
  /** The manifest has a subject and a manifest with that digest exists in the same repository. */
  subjectExists: boolean;
  /** When the newest restorable deleted tag naming it stops being restorable; null when none does. */
  restorableUntil?: Date | null;
}

/** The recheck rule, in one place: a manifest is garbage only when nothing keeps it alive. */
export function manifestVerdict(facts: ManifestFacts): ManifestVerdict {
  if (facts.tagged) return 'tagged';
  if (facts.referencedByIndex) return 'referenced_by_index';
  // Referrers (signatures, SBOMs) are untagged by nature: they live as long as their subject.
  if (facts.subjectExists) return 'referrer_of_existing_subject';
  // A deleted tag may still be restored to it within the GC review window (docs/api.md "Deleted tags").
  if (facts.restorableUntil) return 'restorable_tag';
  return 'dangling';
}

/** Whether a store entry last modified at `modifiedAt` is old enough to be treated as abandoned. */
export function isOlderThan(modifiedAt: Date, seconds: number, now: Date): boolean {
  return now.getTime() - modifiedAt.getTime() >= seconds * 1000;
}
