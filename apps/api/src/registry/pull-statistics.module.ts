import { Inject, Module, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Logger } from '@cargohold/common';
import { AppConfig } from '@cargohold/config';
import { APP_CONFIG, LOGGER } from '@cargohold/platform';
import { PullStatistics, PullStatisticsRepository } from '@cargohold/registry';

/** The api's pull statistics, or null when PULL_STATISTICS_FLUSH_INTERVAL=0 turned recording off. */
export const PULL_STATISTICS = Symbol('PULL_STATISTICS');

/**
 * Counts manifest GETs in memory and writes them to PostgreSQL every PULL_STATISTICS_FLUSH_INTERVAL seconds
 * (libs/registry PullStatistics), and once more on shutdown: module destroy hooks run after the server stopped
 * taking requests and before the database closes (CoreModule closes it on application shutdown).
 */
@Module({
  providers: [
    {
      provide: PULL_STATISTICS,
      inject: [DataSource, APP_CONFIG, LOGGER],
      useFactory: (db: DataSource, config: AppConfig, logger: Logger) =>
        config.pullStatisticsFlushInterval > 0
          ? new PullStatistics(new PullStatisticsRepository(db), logger, { flushIntervalMs: config.pullStatisticsFlushInterval * 1000 }).start()
          : null,
    },
  ],
  exports: [PULL_STATISTICS],
})
export class PullStatisticsModule implements OnModuleDestroy {
  constructor(@Inject(PULL_STATISTICS) private readonly pulls: PullStatistics | null) {}

  async onModuleDestroy(): Promise<void> {
    await this.pulls?.close();
  }
}
