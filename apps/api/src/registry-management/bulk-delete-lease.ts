import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '@cargohold/config';
import { APP_CONFIG, REDIS } from '@cargohold/platform';

/**
 * GitLab's exclusive lease `container_repository:cleanup_tags:<id>`: one bulk tag delete per repository per
 * interval (REGISTRY_BULK_DELETE_INTERVAL, an hour by default). Kept in Redis so every api replica shares it.
 */
@Injectable()
export class BulkDeleteLease {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** True when the caller obtained the lease (or the limit is disabled). */
  async tryObtain(repositoryId: number): Promise<boolean> {
    if (this.config.bulkDeleteInterval === 0) return true;
    return (await this.redis.set(this.key(repositoryId), '1', 'EX', this.config.bulkDeleteInterval, 'NX')) === 'OK';
  }

  /** Gives the lease back when the request failed after obtaining it, so a retry is not refused for an hour. */
  async release(repositoryId: number): Promise<void> {
    if (this.config.bulkDeleteInterval === 0) return;
    await this.redis.del(this.key(repositoryId));
  }

  private key(repositoryId: number): string {
    return `${this.config.redisPrefix}:container_repository:cleanup_tags:${repositoryId}`;
  }
}
