import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

// Re-exported so apps can define their own metrics on metricsRegistry without depending on prom-client themselves.
export { Counter, Gauge, Histogram } from 'prom-client';

/** One Prometheus registry per process, with Node's default metrics. */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

export const httpRequestDuration = new Histogram({
  name: 'cargohold_http_request_duration_seconds',
  help: 'HTTP request duration by route family, method and status',
  labelNames: ['family', 'method', 'status'] as const,
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60],
  registers: [metricsRegistry],
});

export const registryBytes = new Counter({
  name: 'cargohold_registry_bytes_total',
  help: 'Blob bytes received and sent by the registry',
  labelNames: ['direction'] as const,
  registers: [metricsRegistry],
});
