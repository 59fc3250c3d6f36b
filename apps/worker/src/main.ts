import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger, tuneHeapForStreaming } from '@cargohold/common';
import { ConfigError, loadConfig } from '@cargohold/config';
import { LOGGER } from '@cargohold/platform';
import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { QueueName } from '@cargohold/jobs';
import { startMetricsServer } from './metrics-server';
import { registerQueueDepthGauge } from './queue.metrics';
import { WorkerModule } from './worker.module';

/** The worker: BullMQ processors and schedulers; HTTP only for metrics, when asked for. */
async function bootstrap(): Promise<void> {
  tuneHeapForStreaming();
  const config = loadConfig();
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: ['error', 'warn'] });
  await app.init();
  const logger = app.get<Logger>(LOGGER);
  registerQueueDepthGauge(Object.values(QueueName).map((name) => app.get<Queue>(getQueueToken(name), { strict: false })));
  const metrics = config.workerMetricsPort ? await startMetricsServer(config.host, config.workerMetricsPort) : undefined;
  logger.info({ metricsPort: config.workerMetricsPort ?? null }, 'worker started');

  // Closing the context closes the BullMQ workers, which wait for the jobs in hand to finish.
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'worker shutting down');
    metrics?.close();
    await app.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

bootstrap().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message : `worker failed to start: ${(error as Error).message}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
