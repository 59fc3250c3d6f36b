import { DataSource } from 'typeorm';
import { CacheEntryRepository } from './cache-entry.repository';
import { DependencyProxySettingsRepository } from './dependency-proxy-settings.repository';

const BATCH = 1000;

/**
 * The worker's TTL expiry: entries not pulled for their upstream's TTL (a group's dependency proxy policy, default
 * 90 days; VIRTUAL_REGISTRY_CACHE_TTL_DAYS for virtual registry upstreams) are removed in batches of short
 * transactions; their blobs are queued for GC review after the review delay, so a pull reading them finishes first.
 */
export class PullThroughCacheExpiry {
  private readonly entries = new CacheEntryRepository();
  private readonly settings = new DependencyProxySettingsRepository();

  constructor(
    private readonly db: DataSource,
    private readonly options: { virtualRegistryTtlDays: number; reviewDelaySeconds: number },
  ) {}

  /** Removes every expired entry; returns how many. */
  async expire(): Promise<number> {
    let expired = 0;
    for (const { upstreamId, ttlDays } of await this.settings.expiringUpstreams(this.db.manager, this.options.virtualRegistryTtlDays)) {
      for (;;) {
        const batch = await this.db.transaction((tx) => this.entries.expire(tx, upstreamId, ttlDays, BATCH, this.options.reviewDelaySeconds));
        expired += batch;
        if (batch < BATCH) break;
      }
    }
    return expired;
  }
}
