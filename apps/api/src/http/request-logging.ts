import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { httpRequestDuration, Logger } from '@cargohold/common';
import { clientAddress } from './client-address';

/** Carries the request id from the client (X-Request-Id) or makes one, and returns a logger bound to it. */
export function beginRequest(req: IncomingMessage, res: ServerResponse, logger: Logger, family: string): Logger {
  const incoming = req.headers['x-request-id'];
  const requestId = typeof incoming === 'string' && /^[\w.-]{1,128}$/.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', requestId);
  const log = logger.child({ requestId });
  const started = process.hrtime.bigint();
  res.once('close', () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    httpRequestDuration.observe({ family, method: req.method ?? 'GET', status: String(res.statusCode) }, seconds);
    // At the usual levels (warn in production) the access line is off: build nothing for it.
    if (!log.isLevelEnabled('info')) return;
    // The query string is left out of logs: it may carry credentials in some clients' token requests.
    const path = (req.url ?? '').split('?')[0];
    log.info({ method: req.method, path, client: clientAddress(req), status: res.statusCode, ms: Math.round(seconds * 1000), aborted: !res.writableFinished }, 'request');
  });
  return log;
}
