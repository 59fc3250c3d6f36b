import { Counter, Gauge, metricsRegistry } from '@cargohold/common';

/** What the pull-through cache served and what it cost upstream, on the api's /metrics. */
export const pullThroughHits = new Counter({
  name: 'cargohold_pull_through_cache_hits_total',
  help: 'Pull-through cache: manifests and blobs served from the cache without an upstream request',
  labelNames: ['kind'] as const,
  registers: [metricsRegistry],
});

export const pullThroughMisses = new Counter({
  name: 'cargohold_pull_through_cache_misses_total',
  help: 'Pull-through cache: manifests and blobs fetched from an upstream because the cache had none',
  labelNames: ['kind'] as const,
  registers: [metricsRegistry],
});

export const pullThroughRevalidations = new Counter({
  name: 'cargohold_pull_through_revalidations_total',
  help: 'Pull-through cache: tags past their validity asked of the upstream with a HEAD, by outcome',
  labelNames: ['result'] as const,
  registers: [metricsRegistry],
});

export const pullThroughStaleServed = new Counter({
  name: 'cargohold_pull_through_stale_served_total',
  help: 'Pull-through cache: manifests served past their validity because every upstream failed',
  registers: [metricsRegistry],
});

export const upstreamErrors = new Counter({
  name: 'cargohold_upstream_errors_total',
  help: 'Upstream registry requests that failed, by kind (not_found is not counted)',
  labelNames: ['kind'] as const,
  registers: [metricsRegistry],
});

export const upstreamBytesFetched = new Counter({
  name: 'cargohold_upstream_bytes_fetched_total',
  help: 'Blob and manifest bytes downloaded from upstream registries',
  registers: [metricsRegistry],
});

export const upstreamRateLimitRemaining = new Gauge({
  name: 'cargohold_upstream_ratelimit_remaining',
  help: "The last RateLimit-Remaining an upstream sent (Docker Hub's pulls left in its window), by upstream id",
  labelNames: ['upstream'] as const,
  registers: [metricsRegistry],
});
