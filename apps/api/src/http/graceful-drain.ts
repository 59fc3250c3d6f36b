import { Server } from 'node:http';

/** How often connections that went idle during the drain (a keep-alive socket between requests) are closed. */
const IDLE_SWEEP_MS = 200;

/**
 * Stops accepting connections and lets the requests in flight finish: idle keep-alive connections are closed
 * as soon as they are idle (the request handler marks responses `Connection: close` meanwhile), and whatever is
 * still open when `graceMs` has passed is cut. Resolves with whether everything finished in time.
 */
export async function drainServer(server: Server, graceMs: number): Promise<'drained' | 'cut'> {
  const closed = new Promise<'drained'>((resolve) => server.close(() => resolve('drained')));
  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
  let graceTimer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<'cut'>((resolve) => (graceTimer = setTimeout(() => resolve('cut'), graceMs)));
  const outcome = await Promise.race([closed, graceOver]);
  clearInterval(sweep);
  clearTimeout(graceTimer);
  if (outcome === 'cut') server.closeAllConnections();
  return outcome;
}
