import { IncomingMessage, ServerResponse } from 'node:http';

export interface RequestDeadlineSettings {
  /** A body that receives nothing for this long is cut. */
  bodyIdleTimeoutMs: number;
  /** The whole body must have arrived this long after the headers; undefined: no limit (the /v2/ surface). */
  requestTimeoutMs?: number;
  /** Of the 408 answer; the REST API's is `application/json` exactly (GitLab's). */
  contentType?: string;
}

/**
 * Bounds how long a client may take to send a request body, so stalled or trickled bodies cannot hold sockets
 * (and whatever the handler holds) for ever. Headers are bounded by the server's headersTimeout. When a
 * deadline passes with the body incomplete the answer is 408 (if nothing was sent yet) and the connection is
 * closed, since the rest of the body will never be read.
 *
 * The idle timer is the socket's own inactivity timeout: Node re-arms it on every byte the parser consumes.
 * Node raises it on the request only while the request is incomplete; once the body is in, a quiet socket
 * (a slow handler) is no reason to cut anything, which the response listener below says.
 */
export function applyRequestDeadlines(req: IncomingMessage, res: ServerResponse, settings: RequestDeadlineSettings, body408: string): void {
  const expire = () => {
    if (req.complete || res.writableEnded) return;
    if (!res.headersSent) {
      res.writeHead(408, { 'Content-Type': settings.contentType ?? 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body408), Connection: 'close' });
      res.end(body408, () => req.socket.destroy());
    } else {
      req.socket.destroy();
    }
  };
  req.setTimeout(settings.bodyIdleTimeoutMs, expire);
  // Without a listener here Node would destroy a socket whose complete request is merely slow to answer.
  res.on('timeout', () => {
    if (req.complete) req.socket.setTimeout(0);
  });
  if (settings.requestTimeoutMs !== undefined) {
    const timer = setTimeout(expire, settings.requestTimeoutMs);
    timer.unref();
    res.once('close', () => clearTimeout(timer));
  }
}
