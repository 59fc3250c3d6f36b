import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '@cargohold/config';
import { Logger } from '@cargohold/common';
import { APP_CONFIG, LOGGER, RedisCounters } from '@cargohold/platform';

/**
 * GitLab's exclusive lease `container_repository:cleanup_tags:<id>`: one bulk tag delete per repository per
 * interval (REGISTRY_BULK_DELETE_INTERVAL, an hour by default). Kept in Redis so every api replica shares it.
 */
@Injectable()
export class BulkDeleteLease {
  constructor(
    private readonly counters: RedisCounters,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * True when the caller obtained the lease (or the limit is disabled). Fails open: while Redis is unavailable
   * (not connected, or no answer within the connection's command timeout) the hourly limit is not enforced,
   * since the delete itself needs only PostgreSQL.
   */
  async tryObtain(repositoryId: number): Promise<boolean> {
    if (this.config.bulkDeleteInterval === 0) return true;
    try {
      return await this.counters.tryLease(this.key(repositoryId), this.config.bulkDeleteInterval * 1000);
    } catch (error) {
      this.logger.warn({ err: error, repositoryId }, 'bulk delete lease not checked: redis unavailable (the hourly limit is not enforced meanwhile)');
      return true;
    }
  }

  /** Gives the lease back when the request failed after obtaining it, so a retry is not refused for an hour. */
  async release(repositoryId: number): Promise<void> {
    if (this.config.bulkDeleteInterval === 0) return;
    try {
      await this.counters.delete(this.key(repositoryId));
    } catch (error) {
      this.logger.warn({ err: error, repositoryId }, 'bulk delete lease not released: redis unavailable');
    }
  }

  private key(repositoryId: number): string {
    return `container_repository:cleanup_tags:${repositoryId}`;
  }
}
