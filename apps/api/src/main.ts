import 'reflect-metadata';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import helmet from 'helmet';
import { Logger, serviceStopDeadlineMs, stopWhenLauncherGone, tuneHeapForStreaming } from '@cargohold/common';
import { AppConfig, ConfigError, loadConfig } from '@cargohold/config';
import { LOGGER } from '@cargohold/platform';
import { ApiModule } from './api.module';
import { DrainState } from './health/drain-state';
import { ClientAddressResolver } from './http/client-address';
import { drainServer } from './http/graceful-drain';
import { startMetricsListener } from './http/metrics-listener';
import { nulInRequestHead } from './http/nul-guard';
import { applyRequestDeadlines } from './http/request-deadlines';
import { restBodyErrorHandler, useRestBodyParsers } from './http/rest-body-parsers';
import { exactJsonContentType, REST_JSON_CONTENT_TYPE } from './http/rest-content-type';
import { mergeRestParams } from './http/rest-params';
import { REST_PREFIX } from './rest/rest-controller.decorator';
import { setupOpenApi } from './openapi/openapi-docs';
import { beginRequest } from './http/request-logging';
import { ociErrorBody } from './registry/oci-errors';
import { RegistryRouter } from './registry/registry.router';

const REST_TIMEOUT_BODY = JSON.stringify({ message: '408 Request Timeout' });
const REGISTRY_TIMEOUT_BODY = JSON.stringify(ociErrorBody('UNKNOWN', 'request timed out: the body stopped arriving'));

async function bootstrap(): Promise<void> {
  tuneHeapForStreaming();
  // Before anything else: a bad variable is one line naming it, and nothing has started yet.
  const config = loadConfig();
  stopWhenLauncherGone(serviceStopDeadlineMs(config.shutdownGraceMs));
  const clients = new ClientAddressResolver(config.trustProxy);
  const expressApp = express();
  expressApp.disable('x-powered-by');
  // Express's own view of proxies (req.ip, req.protocol, req.hostname) follows TRUST_PROXY too; our code reads
  // the client address through clientAddress(), resolved once per request below.
  expressApp.set('trust proxy', (address: string, hop: number) => clients.trusts(address, hop));
  // Security headers on the JSON endpoints; the web UI (apps/api/src/web) sets its own, with its own CSP.
  expressApp.use(['/api', '/jwt', '/-', '/metrics'], helmet());
  // GitLab's REST answers are `application/json` without a charset (python-gitlab < 3.14 insists); first, so
  // the body-parser errors, filters and controllers below all go through it. /jwt/auth keeps Express's
  // `; charset=utf-8`, as GitLab's Rails controller sends it.
  expressApp.use(`/${REST_PREFIX}`, exactJsonContentType);
  // No CORS middleware: browsers on other origins get no Access-Control-Allow-Origin, so CORS is closed.
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config), new ExpressAdapter(expressApp), { logger: ['error', 'warn'], bodyParser: false });
  useRestBodyParsers(app, config.limits.restBodyBytes);
  expressApp.use(restBodyErrorHandler);
  // One parameter object per REST request: query string and body merged, as GitLab's Grape sees them.
  expressApp.use(`/${REST_PREFIX}`, mergeRestParams);
  setupOpenApi(app, config.publicUrl);
  await app.init();

  const logger = app.get<Logger>(LOGGER);
  const registry = app.get(RegistryRouter);
  const drain = app.get(DrainState);
  // /v2/ bypasses Express entirely (streamed bodies, slash-containing names, no middleware on the hot path).
  // Header size is capped explicitly (Node's default, 16 KiB) so NODE_OPTIONS cannot raise it unnoticed: 431 beyond.
  const server = createServer(
    // Node checks header deadlines on this interval; a fraction of the deadline keeps the overshoot small.
    { maxHeaderSize: 16 * 1024, connectionsCheckingInterval: Math.min(5000, Math.max(250, config.http.headersTimeoutMs / 4)) },
    (req, res) => {
      const isRegistry = req.url !== undefined && (req.url === '/v2' || req.url.startsWith('/v2/') || req.url.startsWith('/v2?'));
      clients.attach(req);
      const log = beginRequest(req, res, logger, isRegistry ? 'registry' : 'api');
      if (drain.isDraining) res.setHeader('Connection', 'close');
      if (refuseNul(req, res, isRegistry)) return;
      boundRequest(req, res, isRegistry, config);
      if (isRegistry) {
        registry.handle(req, res, log).catch((error: unknown) => {
          log.error({ err: error }, 'unhandled registry failure');
          res.destroy();
        });
      } else expressApp(req, res);
    },
  );
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = config.http.headersTimeoutMs;
  // No whole-request limit at the server: a large layer upload may take long. REST requests get theirs per
  // request (boundRequest), and every request but a /v2/ upload a body-idle limit.
  server.requestTimeout = 0;

  await listen(server, config);
  const metricsListener = config.metricsPort !== undefined ? await startMetricsListener(config.host, config.metricsPort) : undefined;
  logger.info({ url: config.publicUrl, host: config.host, port: config.port, metricsPort: config.metricsPort ?? null }, 'api listening');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, graceMs: config.shutdownGraceMs }, 'api draining: readiness 503, no new connections, in-flight requests finishing');
    drain.begin();
    const outcome = await drainServer(server, config.shutdownGraceMs);
    if (outcome === 'cut') logger.warn({ graceMs: config.shutdownGraceMs }, 'requests still running after the grace period were cut');
    metricsListener?.close();
    await app.close();
    logger.info({ signal }, 'api stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

async function listen(server: Server, config: AppConfig): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
}

/** A NUL in the URL (/v2/: its query) or the Basic credentials is answered 400 here, in the shape of the surface it was sent to. */
function refuseNul(req: IncomingMessage, res: ServerResponse, isRegistry: boolean): boolean {
  const reason = nulInRequestHead(req, isRegistry ? 'query' : 'url');
  if (reason === undefined) return false;
  const body = isRegistry
    ? ociErrorBody('UNSUPPORTED', `invalid request: ${reason}`)
    : req.url?.startsWith('/jwt/')
      ? { error: `invalid request: ${reason}` }
      : { message: `400 Bad request - ${reason}` };
  const text = JSON.stringify(body);
  const contentType = isRegistry || req.url?.startsWith('/jwt/') ? 'application/json; charset=utf-8' : REST_JSON_CONTENT_TYPE;
  // The body, if any, is never read: the connection closes after the answer.
  res.writeHead(400, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), Connection: 'close' });
  res.end(text);
  return true;
}

/**
 * Deadlines for receiving the body: REST requests get a whole-request limit and a body-idle limit; /v2/
 * requests only the idle limit, and /v2/ uploads (POST/PATCH/PUT on blobs/uploads) none here, since their
 * body-idle handling belongs to the upload handler, which must also release the upload's lease.
 */
function boundRequest(req: IncomingMessage, res: ServerResponse, isRegistry: boolean, config: AppConfig): void {
  if (!isRegistry) {
    applyRequestDeadlines(req, res, { bodyIdleTimeoutMs: config.http.bodyIdleTimeoutMs, requestTimeoutMs: config.http.restRequestTimeoutMs, contentType: REST_JSON_CONTENT_TYPE }, REST_TIMEOUT_BODY);
  } else if (!/\/blobs\/uploads(\/|\?|$)/.test(req.url ?? '')) {
    applyRequestDeadlines(req, res, { bodyIdleTimeoutMs: config.http.bodyIdleTimeoutMs }, REGISTRY_TIMEOUT_BODY);
  }
}

bootstrap().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message : `api failed to start: ${(error as Error).message}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
