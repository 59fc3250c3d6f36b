import { Counter, Histogram, metricsRegistry } from '@cargohold/common';

export const cleanupJobDuration = new Histogram({
  name: 'cargohold_cleanup_job_duration_seconds',
  help: 'Duration of cleanup policy jobs',
  labelNames: ['job'] as const,
  buckets: [0.01, 0.1, 0.5, 1, 5, 15, 60, 300],
  registers: [metricsRegistry],
});

export const cleanupTagsDeleted = new Counter({
  name: 'cargohold_cleanup_tags_deleted_total',
  help: 'Tags deleted by cleanup policies',
  registers: [metricsRegistry],
});
