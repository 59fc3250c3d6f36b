import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RegistryError } from '@cargohold/registry';
import { cutWhenBodyIdle } from './upload-body-idle';

const IDLE_MS = 500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A server that watches each body with cutWhenBodyIdle and reads it after `readAfterMs` (a lease wait). */
function serve(readAfterMs: number): Promise<{ server: Server; port: number; outcomes: Array<Promise<string>> }> {
  const outcomes: Array<Promise<string>> = [];
  const server = createServer((req: IncomingMessage, res) => {
    let resolveOutcome!: (value: string) => void;
    outcomes.push(new Promise((resolve) => (resolveOutcome = resolve)));
    cutWhenBodyIdle(req, IDLE_MS);
    setTimeout(() => {
      let bytes = 0;
      pipeline(req, new Writable({ write: (chunk: Buffer, _encoding, callback) => ((bytes += chunk.length), callback()) })).then(
        () => {
          resolveOutcome(`read ${bytes}`);
          res.end('ok');
        },
        (error: unknown) => resolveOutcome(error instanceof RegistryError ? `cut after ${bytes}` : `failed: ${String(error)}`),
      );
    }, readAfterMs);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port, outcomes })));
}

function send(port: number, length: number, first: Buffer): { socket: Socket; closed: Promise<void> } {
  const socket = new Socket();
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.connect(port, '127.0.0.1', () => socket.write(Buffer.concat([Buffer.from(`PATCH /x HTTP/1.1\r\nHost: x\r\nContent-Length: ${length}\r\n\r\n`), first])));
  return { socket, closed };
}

describe('cutWhenBodyIdle', () => {
  let server: Server | undefined;

  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  it('destroys a request whose client stops sending while the body is read, and closes the connection', async () => {
    const started = await serve(0);
    server = started.server;
    const { closed } = send(started.port, 1000, Buffer.alloc(100));
    await closed; // the server closed it: the client never sent the rest
    expect(await started.outcomes[0]).toBe('cut after 100');
  });

  it('does not count the time before the body is read, nor cut a body that keeps coming', async () => {
    const started = await serve(3 * IDLE_MS); // the server waits (a lease, a hash rebuild) longer than the timeout
    server = started.server;
    const { socket } = send(started.port, 900, Buffer.alloc(100));
    await sleep(3 * IDLE_MS + 100);
    for (let i = 0; i < 8; i++) {
      socket.write(Buffer.alloc(100)); // gaps well under the timeout, a total far over it
      await sleep(IDLE_MS / 2.5);
    }
    expect(await started.outcomes[0]).toBe('read 900');
    socket.destroy();
  });
});
