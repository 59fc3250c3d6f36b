import Redis from 'ioredis';
import type { AppConfig } from '@cargohold/config';
import { redactUrl } from '@cargohold/common';
import { connectPostgres, EmbeddedServer, startEmbeddedPostgres, startEmbeddedRedis } from '@cargohold/embedded';
import { describeError, StartupError } from './startup-error';

const REACH_TIMEOUT_MS = 3_000;

export interface Backends {
  databaseUrl: string;
  redisUrl: string;
}

/** The embedded servers this launcher started. Redis stops before PostgreSQL, whichever came up first. */
export class EmbeddedServers {
  private readonly started = new Map<'Redis' | 'PostgreSQL', EmbeddedServer>();

  add(name: 'Redis' | 'PostgreSQL', server: EmbeddedServer): void {
    this.started.set(name, server);
  }

  /** The running services' pids, for the keepers (see EmbeddedServer.setDependents). */
  setDependents(pids: number[], waitMs: number): void {
    for (const server of this.started.values()) server.setDependents(pids, waitMs);
  }

  async stopAll(onError: (name: string, error: unknown) => void): Promise<void> {
    for (const name of ['Redis', 'PostgreSQL'] as const) {
      const server = this.started.get(name);
      this.started.delete(name);
      await server?.stop().catch((error: unknown) => onError(name, error));
    }
  }
}

/**
 * The URLs to use: the configured ones, or embedded servers under DATA_DIR for those left unset.
 * Both embedded servers start at once; if one fails, the other is still registered so it gets stopped.
 */
export async function resolveBackends(config: AppConfig, embedded: EmbeddedServers, log: (msg: string) => void): Promise<Backends> {
  const [database, redis] = await Promise.allSettled([
    config.databaseUrl ?? startEmbedded('PostgreSQL', () => startEmbeddedPostgres(config.dataDir, log), embedded),
    config.redisUrl ?? startEmbedded('Redis', () => startEmbeddedRedis(config.dataDir, log), embedded),
  ]);
  if (database.status === 'rejected' || redis.status === 'rejected') {
    // Both problems at once, so the user does not fix one only to meet the next.
    const reasons = [database, redis].flatMap((result) => (result.status === 'rejected' ? [describeError(result.reason)] : []));
    throw new StartupError(reasons.join('\n'));
  }
  return { databaseUrl: database.value, redisUrl: redis.value };
}

async function startEmbedded(name: 'Redis' | 'PostgreSQL', start: () => Promise<EmbeddedServer>, embedded: EmbeddedServers): Promise<string> {
  const server = await start();
  embedded.add(name, server);
  return server.url;
}

/** Fails with one line naming the (password-free) URL when Redis does not answer PING. */
export async function checkRedis(url: string): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: REACH_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: () => null, // one attempt: a check, not a client that should keep trying
    disconnectTimeout: 100, // nothing to flush; the 2 s default would hold the process open after a failure
  });
  // The 'error' event carries the real cause (ECONNREFUSED, WRONGPASS...); connect() then only says
  // "Connection is closed.". Listening also avoids ioredis' "Unhandled error event" output.
  let cause: unknown;
  client.on('error', (error: unknown) => (cause ??= error));
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new StartupError(`cannot reach Redis at ${redactUrl(url)}: ${describeError(cause ?? error)}`);
  } finally {
    client.disconnect();
  }
}

/** Fails with one line naming the (password-free) URL when PostgreSQL does not accept a connection. */
export async function checkPostgres(url: string): Promise<void> {
  try {
    const client = await connectPostgres(url, REACH_TIMEOUT_MS);
    try {
      await client.query('SELECT 1');
    } finally {
      await client.end();
    }
  } catch (error) {
    throw new StartupError(`cannot reach PostgreSQL at ${redactUrl(url)}: ${describeError(error)}`);
  }
}
