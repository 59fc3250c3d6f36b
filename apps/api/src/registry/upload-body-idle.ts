import type { IncomingMessage } from 'node:http';
import { RegistryError } from '@cargohold/registry';

/** How often an upload body's progress is looked at, at most (a quarter of the timeout when that is shorter). */
const CHECK_EVERY_MS = 1000;

/**
 * Cuts an upload body (`/v2/` PATCH, PUT or POST with bytes) whose client sends nothing for `idleMs` while the
 * body is being read: the request is destroyed with a RegistryError, which fails the store's append (it truncates
 * back to the recorded size) and so releases the upload's lease, and the socket closes. A large upload that keeps
 * sending is never cut, however long it takes.
 *
 * Silence counts only while someone reads the body and nothing is waiting in its buffer: before the body is read
 * (waiting for the lease, rebuilding a hash state) or while the store pushes back, the wait is the server's, not
 * the client's. Progress is the socket's byte count, looked at every second, so a steady upload costs no more
 * than a timer. Stops by itself once the body has ended or the request is gone.
 */
export function cutWhenBodyIdle(req: IncomingMessage, idleMs: number, onCut: (error: RegistryError) => void = () => undefined): void {
  if (req.complete || req.destroyed) return;
  const socket = req.socket;
  let bytesSeen = socket.bytesRead;
  let quietSince = Date.now();
  const timer = setInterval(
    () => {
      if (req.complete || req.destroyed) return stop();
      const now = Date.now();
      const waitingForClient = req.readableFlowing === true && req.readableLength === 0;
      if (socket.bytesRead !== bytesSeen || !waitingForClient) {
        bytesSeen = socket.bytesRead;
        quietSince = now;
        return;
      }
      if (now - quietSince < idleMs) return;
      stop();
      const error = new RegistryError('BLOB_UPLOAD_INVALID', `the upload body sent nothing for ${Math.round(idleMs / 1000)} s: continue from the upload's Range`);
      onCut(error);
      // The append that reads the body listens for this error; a body being drained after a refusal has no
      // reader, and an unheard 'error' event would take the process down.
      req.on('error', () => undefined);
      req.destroy(error); // destroys the socket too: the body is incomplete
    },
    Math.min(CHECK_EVERY_MS, Math.max(50, Math.floor(idleMs / 4))),
  );
  timer.unref();
  const stop = () => {
    clearInterval(timer);
    req.off('end', stop);
    req.off('close', stop);
  };
  req.once('end', stop);
  req.once('close', stop);
}
