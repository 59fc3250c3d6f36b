import 'reflect-metadata';
import { createServer } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import helmet from 'helmet';
import { Logger, tuneHeapForStreaming } from '@cargohold/common';
import { ConfigError, loadConfig } from '@cargohold/config';
import { LOGGER } from '@cargohold/platform';
import { ApiModule } from './api.module';
import { setupOpenApi } from './openapi/openapi-docs';
import { beginRequest } from './http/request-logging';
import { RegistryRouter } from './registry/registry.router';

async function bootstrap(): Promise<void> {
  tuneHeapForStreaming();
  const config = loadConfig();
  const expressApp = express();
  expressApp.disable('x-powered-by');
  // Security headers on the JSON endpoints; the web UI (apps/api/src/web) sets its own, with its own CSP.
  expressApp.use(['/api', '/jwt', '/-', '/metrics'], helmet());
  // No CORS middleware: browsers on other origins get no Access-Control-Allow-Origin, so CORS is closed.
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config), new ExpressAdapter(expressApp), { logger: ['error', 'warn'], bodyParser: false });
  // Nest's default parsers, with the body size limit made explicit and configurable (REST_BODY_LIMIT).
  app.useBodyParser('json', { limit: config.limits.restBodyBytes });
  app.useBodyParser('urlencoded', { extended: true, limit: config.limits.restBodyBytes });
  // A body over the limit never reaches Nest's filters: answer it here in GitLab's shape.
  expressApp.use((error: { type?: string }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (error?.type === 'entity.too.large') res.status(413).json({ message: '413 Payload Too Large' });
    else next(error);
  });
  setupOpenApi(app, config.publicUrl);
  await app.init();

  const logger = app.get<Logger>(LOGGER);
  const registry = app.get(RegistryRouter);
  // /v2/ bypasses Express entirely (streamed bodies, slash-containing names, no middleware on the hot path).
  // Header size is capped explicitly (Node's default, 16 KiB) so NODE_OPTIONS cannot raise it unnoticed: 431 beyond.
  const server = createServer({ maxHeaderSize: 16 * 1024 }, (req, res) => {
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
