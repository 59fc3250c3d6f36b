import { createServer, Server } from 'node:http';
import { metricsRegistry } from '@cargohold/common';

/**
 * METRICS_PORT: `/metrics` on a listener of its own, so operators need not expose it on the public port
 * (the main port then answers 404 for it). Nothing else is served here.
 */
export async function startMetricsListener(host: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url === '/metrics' && (req.method === 'GET' || req.method === 'HEAD')) {
      metricsRegistry.metrics().then(
        (body) => res.writeHead(200, { 'Content-Type': metricsRegistry.contentType }).end(body),
        () => res.writeHead(500).end(),
      );
    } else {
      res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"message":"404 Not Found"}');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return server;
}
