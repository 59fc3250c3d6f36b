import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '@cargohold/config';
import { Logger } from '@cargohold/common';
import { APP_CONFIG, LOGGER, REDIS } from '@cargohold/platform';

/**
 * GitLab's exclusive lease `container_repository:cleanup_tags:<id>`: one bulk tag delete per repository per
 * interval (REGISTRY_BULK_DELETE_INTERVAL, an hour by default). Kept in Redis so every api replica shares it.
 */
@Injectable()
export class BulkDeleteLease {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
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
      this.requireReady();
      return (await this.redis.set(this.key(repositoryId), '1', 'EX', this.config.bulkDeleteInterval, 'NX')) === 'OK';
    } catch (error) {
      this.logger.warn({ err: error, repositoryId }, 'bulk delete lease not checked: redis unavailable (the hourly limit is not enforced meanwhile)');
      return true;
    }
  }

  /** Gives the lease back when the request failed after obtaining it, so a retry is not refused for an hour. */
  async release(repositoryId: number): Promise<void> {
    if (this.config.bulkDeleteInterval === 0) return;
    try {
      this.requireReady();
      await this.redis.del(this.key(repositoryId));
    } catch (error) {
      this.logger.warn({ err: error, repositoryId }, 'bulk delete lease not released: redis unavailable');
    }
  }

  /** Not connected: fail at once rather than wait out the command timeout. */
  private requireReady(): void {
    if (this.redis.status !== 'ready') throw new Error(`redis is ${this.redis.status}`);
  }

  private key(repositoryId: number): string {
    return `${this.config.redisPrefix}:container_repository:cleanup_tags:${repositoryId}`;
  }
}
