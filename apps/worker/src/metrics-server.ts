import { createServer, Server } from 'node:http';
import { metricsRegistry } from '@cargohold/common';

/**
 * The worker has no API, but its job metrics (durations, failures, queue depths, bytes reclaimed) live in its
 * own process: this tiny server exposes `/metrics` and `/-/health` for Prometheus when WORKER_METRICS_PORT is set.
 */
export async function startMetricsServer(host: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url === '/metrics') {
      metricsRegistry.metrics().then(
        (body) => res.writeHead(200, { 'Content-Type': metricsRegistry.contentType }).end(body),
        () => res.writeHead(500).end(),
      );
    } else if (req.url === '/-/health') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"ok"}');
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return server;
}
