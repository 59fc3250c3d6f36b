import { IncomingMessage, ServerResponse } from 'node:http';
import { isConnectionError } from '@cargohold/db';
import { Logger } from '@cargohold/common';
import { RegistryError } from '@cargohold/registry';
import { ociErrorFor } from './oci-errors';

/** The parts of a /v2/ request every handler needs. */
export interface RegistryRequest {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  query: URLSearchParams;
  log: Logger;
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Content-Length as a number, undefined when absent; a malformed value is a client error. */
export function contentLength(req: IncomingMessage): number | undefined {
  const value = header(req, 'content-length');
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new RegistryError('SIZE_INVALID', 'malformed Content-Length');
  return Number(value);
}

/** Whether the request carries a body at all (Content-Length above zero or chunked transfer encoding). */
export function hasBody(req: IncomingMessage): boolean {
  const length = contentLength(req);
  return (length !== undefined && length > 0) || header(req, 'transfer-encoding') !== undefined;
}

export function send(res: ServerResponse, status: number, headers: Record<string, string | number> = {}, body?: Buffer | string): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  if (body === undefined) {
    if (!res.hasHeader('content-length')) res.setHeader('Content-Length', 0);
    res.writeHead(status);
    res.end();
    return;
  }
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  if (!res.hasHeader('content-type')) res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', bytes.length);
  res.writeHead(status);
  res.end(bytes);
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  send(res, status, { 'Content-Type': 'application/json; charset=utf-8', ...headers }, JSON.stringify(value));
}

/** Renders any failure as the OCI error body; unexpected ones are logged and answered 500 (503 when the database is down). */
export function sendError(request: RegistryRequest, error: unknown): void {
  const { res, req, method, log } = request;
  let registryError: RegistryError;
  if (error instanceof RegistryError) {
    registryError = error;
  } else if (isConnectionError(error)) {
    log.error({ err: error }, 'database unavailable');
    registryError = new RegistryError('UNAVAILABLE', 'the metadata database is unavailable, retry later');
  } else {
    log.error({ err: error }, 'registry request failed');
    registryError = new RegistryError('UNKNOWN', 'internal error');
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const response = ociErrorFor(registryError);
  // The rest of an unread request body is discarded so the connection can be reused or closed cleanly.
  if (!req.readableEnded) req.resume();
  const body = method === 'HEAD' ? undefined : JSON.stringify(response.body);
  send(res, response.status, body === undefined ? response.headers : { ...response.headers, 'Content-Type': 'application/json; charset=utf-8' }, body);
}

/** Reads a manifest's body fully, refusing more than `limit` bytes (MANIFEST_TOO_LARGE) without reading them all. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = contentLength(req);
  if (declared !== undefined && declared > limit) {
    throw new RegistryError('MANIFEST_TOO_LARGE', `body exceeds the ${limit} byte limit`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limit) throw new RegistryError('MANIFEST_TOO_LARGE', `body exceeds the ${limit} byte limit`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

/** Parses the `n` pagination parameter: a non-negative integer, or undefined when absent. */
export function pageSize(query: URLSearchParams): number | undefined {
  const n = query.get('n');
  if (n === null || n === '') return undefined;
  if (!/^\d{1,9}$/.test(n)) throw new RegistryError('PAGINATION_NUMBER_INVALID', 'n must be a non-negative integer', { n });
  return Number(n);
}
