import { Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@cargohold/config';
import { JobProducer } from '@cargohold/jobs';
import { APP_CONFIG } from '@cargohold/platform';

/** Closes the producer's queue connections when the api stops. */
@Injectable()
class JobProducerShutdown implements OnApplicationShutdown {
  constructor(@Inject(JobProducer) private readonly producer: JobProducer) {}

  async onApplicationShutdown(): Promise<void> {
    await this.producer.close();
  }
}

/**
 * The api's side of the job contracts: one JobProducer per process. Queues are opened on first use, so
 * startup costs nothing. Enqueue after the transaction that made the job necessary has committed.
 */
@Module({
  providers: [
    {
      provide: JobProducer,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        if (!config.redisUrl) throw new Error('REDIS_URL is not set: start the api through the launcher (pnpm start) or set it');
        return new JobProducer({ url: config.redisUrl }, config.redisPrefix);
      },
    },
    JobProducerShutdown,
  ],
  exports: [JobProducer],
})
export class JobsModule {}
