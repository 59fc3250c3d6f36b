import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from '@cargohold/common';
import { ConfigError, loadConfig } from '@cargohold/config';
import { LOGGER } from '@cargohold/platform';
import { WorkerModule } from './worker.module';

/** The worker: BullMQ processors and schedulers, no HTTP. */
async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: ['error', 'warn'] });
  await app.init();
  const logger = app.get<Logger>(LOGGER);
  logger.info('worker started');

  // Closing the context closes the BullMQ workers, which wait for the jobs in hand to finish.
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'worker shutting down');
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
