import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger, serviceStopDeadlineMs, stopWhenLauncherGone, tuneHeapForStreaming } from '@cargohold/common';
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
  stopWhenLauncherGone(serviceStopDeadlineMs(config.shutdownGraceMs));
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: ['error', 'warn'] });
  await app.init();
  const logger = app.get<Logger>(LOGGER);
  registerQueueDepthGauge(Object.values(QueueName).map((name) => app.get<Queue>(getQueueToken(name), { strict: false })));
  const metrics = config.workerMetricsPort ? await startMetricsServer(config.host, config.workerMetricsPort) : undefined;
  logger.info({ metricsPort: config.workerMetricsPort ?? null }, 'worker started');

  // Closing the context closes the BullMQ workers: they take no new job and wait for the jobs in hand to
  // finish, for at most SHUTDOWN_GRACE_SECONDS. A job still running then is left to BullMQ's stalled-job
  // recovery: its lock lapses (lockDuration, 15-30 s) and a worker, this one once restarted or another, runs
  // it again. Every handler is idempotent, so a job cut short and run again does no harm.
  const graceMs = config.shutdownGraceMs;
  const shutdown = async (signal: string) => {
    logger.info({ signal, graceMs }, 'worker shutting down, finishing the jobs in hand');
    metrics?.close();
    const closed = app.close().then(
      () => true,
      (error: unknown) => {
        logger.error({ err: error }, 'worker shutdown failed');
        return false;
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)));
    const outcome = await Promise.race([closed, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      logger.warn({ graceMs }, 'jobs still running after the grace period; leaving them to BullMQ stalled-job recovery');
    } else {
      logger.info('worker stopped');
    }
    process.exit(outcome === true ? 0 : 1);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

bootstrap().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message : `worker failed to start: ${(error as Error).message}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
