import { Counter, Gauge, Histogram, metricsRegistry } from '@cargohold/common';
import { GcResult } from '@cargohold/registry';

const gcReviewed = new Counter({
  name: 'cargohold_gc_items_reviewed_total',
  help: 'Queued manifests and blobs rechecked by garbage collection',
  labelNames: ['kind'] as const,
  registers: [metricsRegistry],
});

const gcDeleted = new Counter({
  name: 'cargohold_gc_items_deleted_total',
  help: 'Items deleted by garbage collection: manifests, blobs, repository links, orphan files and uploads',
  labelNames: ['kind'] as const,
  registers: [metricsRegistry],
});

const gcBytesReclaimed = new Counter({
  name: 'cargohold_gc_bytes_reclaimed_total',
  help: 'Bytes removed from the blob store by garbage collection',
  registers: [metricsRegistry],
});

const gcRunDuration = new Histogram({
  name: 'cargohold_gc_run_duration_seconds',
  help: 'Duration of garbage collection runs by job and outcome',
  labelNames: ['job', 'outcome'] as const,
  buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800],
  registers: [metricsRegistry],
});

const gcQueueDepth = new Gauge({
  name: 'cargohold_gc_review_queue_depth',
  help: 'Items in the GC review queues after the last run (due: review time has passed)',
  labelNames: ['queue', 'state'] as const,
  registers: [metricsRegistry],
});

export function recordGcResult(result: GcResult): void {
  gcReviewed.inc({ kind: 'manifest' }, result.manifestsReviewed);
  gcReviewed.inc({ kind: 'blob' }, result.blobsReviewed);
  gcDeleted.inc({ kind: 'manifest' }, result.manifestsDeleted);
  gcDeleted.inc({ kind: 'blob' }, result.blobsDeleted);
  gcDeleted.inc({ kind: 'link' }, result.linksRemoved);
  gcDeleted.inc({ kind: 'orphan_blob' }, result.orphanBlobsDeleted);
  gcDeleted.inc({ kind: 'orphan_upload' }, result.orphanUploadsAborted);
  gcBytesReclaimed.inc(result.bytesReclaimed);
}

/** Starts a run's timer; call the returned function with the outcome when it ends. */
export function startGcRunTimer(job: string): (outcome: 'completed' | 'failed') => void {
  const end = gcRunDuration.startTimer({ job });
  return (outcome) => end({ outcome });
}

export function recordQueueDepths(depths: { manifests: number; manifestsDue: number; blobs: number; blobsDue: number }): void {
  gcQueueDepth.set({ queue: 'manifest', state: 'queued' }, depths.manifests);
  gcQueueDepth.set({ queue: 'manifest', state: 'due' }, depths.manifestsDue);
  gcQueueDepth.set({ queue: 'blob', state: 'queued' }, depths.blobs);
  gcQueueDepth.set({ queue: 'blob', state: 'due' }, depths.blobsDue);
}
