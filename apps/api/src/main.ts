import 'reflect-metadata';
import { createServer } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import express from 'express';
import { Logger } from '@cargohold/common';
import { ConfigError, loadConfig } from '@cargohold/config';
import { LOGGER } from '@cargohold/platform';
import { ApiModule } from './api.module';
import { setupOpenApi } from './openapi/openapi-docs';
import { beginRequest } from './http/request-logging';
import { RegistryRouter } from './registry/registry.router';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const expressApp = express();
  expressApp.disable('x-powered-by');
  const app = await NestFactory.create(ApiModule.forRoot(config), new ExpressAdapter(expressApp), { logger: ['error', 'warn'] });
  setupOpenApi(app, config.publicUrl);
  await app.init();

  const logger = app.get<Logger>(LOGGER);
  const registry = app.get(RegistryRouter);
  // /v2/ bypasses Express entirely (streamed bodies, slash-containing names, no middleware on the hot path).
  const server = createServer((req, res) => {
    const isRegistry = req.url !== undefined && (req.url === '/v2' || req.url.startsWith('/v2/') || req.url.startsWith('/v2?'));
    const log = beginRequest(req, res, logger, isRegistry ? 'registry' : 'api');
    if (isRegistry) {
      registry.handle(req, res, log).catch((error: unknown) => {
        log.error({ err: error }, 'unhandled registry failure');
        res.destroy();
      });
    }
    else expressApp(req, res);
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 0; // large layer uploads may take long; idle sockets are bounded by the timeouts above.

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  logger.info({ url: config.publicUrl, host: config.host, port: config.port }, 'api listening');

  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'api shutting down');
    server.close();
    server.closeIdleConnections();
    await app.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

bootstrap().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message : `api failed to start: ${(error as Error).message}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
