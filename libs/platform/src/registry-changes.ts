import type Redis from 'ioredis';
import type { ManifestCache, RegistryChangeNotifier } from '@cargohold/registry';

/** The pub/sub channel on which processes announce registry changes, under the platform's key prefix. */
export function registryChangesChannel(prefix: string): string {
  return `${prefix}:registry:changes`;
}

/** The part of a logger the publisher uses. */
export interface WarnLogger {
  warn(details: object, message: string): void;
}

/** The message: the repository paths whose tags or manifests changed, or every repository. */
export type RegistryChangeMessage = { paths: string[] } | { all: true };

/**
 * Invalidates this process's manifest cache (if it has one) synchronously, then publishes the change for the
 * other processes. Never throws and never waits long: Redis down or slow means the message is lost, which the
 * caches' TTL (a few seconds) bounds.
 */
export class RedisRegistryChangePublisher implements RegistryChangeNotifier {
  constructor(
    private readonly redis: Redis,
    private readonly channel: string,
    private readonly log: WarnLogger,
    private readonly cache?: ManifestCache,
    private readonly timeoutMs = 500,
  ) {}

  async repositoriesChanged(paths: readonly string[] | 'all'): Promise<void> {
    if (paths !== 'all' && paths.length === 0) return;
    this.cache?.invalidate(paths);
    const message: RegistryChangeMessage = paths === 'all' ? { all: true } : { paths: [...paths] };
    if (this.redis.status !== 'ready') {
      this.log.warn({ status: this.redis.status }, 'registry change not published: redis not ready (caches expire it)');
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.redis.publish(this.channel, JSON.stringify(message)),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`redis did not answer within ${this.timeoutMs} ms`)), this.timeoutMs);
        }),
      ]);
    } catch (error) {
      this.log.warn({ err: error }, 'registry change not published (caches expire it)');
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * For short-lived processes (the CLI's gc:run): a connection that publishes registry changes, or none when Redis
 * cannot be reached within `timeoutMs` (the api caches then forget within their TTL). Close it when done.
 */
export async function connectRegistryChangePublisher(
  url: string | undefined,
  prefix: string,
  log: WarnLogger,
  timeoutMs = 2000,
): Promise<{ notifier: RegistryChangeNotifier; close(): Promise<void> } | null> {
  if (!url) return null;
  const { default: IORedis } = await import('ioredis');
  const redis = new IORedis(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: timeoutMs, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
  } catch (error) {
    log.warn({ err: error }, 'registry changes will not be announced: redis unreachable (api caches expire them)');
    redis.disconnect();
    return null;
  }
  return {
    notifier: new RedisRegistryChangePublisher(redis, registryChangesChannel(prefix), log),
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
