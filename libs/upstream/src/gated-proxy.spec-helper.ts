import { createServer, Server, Socket } from 'node:net';

/**
 * A TCP proxy in front of an upstream that can hold back what the upstream sends: once `gateAfter` bytes of a
 * connection's responses have gone through, the rest waits until `open()`. A test can so see what a client has
 * received while the upstream's answer is provably unfinished, without measuring time.
 */
export interface GatedProxy {
  url: string;
  /** Bytes sent from the upstream to clients so far, over every connection. */
  forwarded(): number;
  /** Resolves once some connection is held at the gate. */
  held(): Promise<void>;
  open(): void;
  close(): Promise<void>;
}

export async function startGatedProxy(upstreamPort: number, gateAfter: number): Promise<GatedProxy> {
  let forwarded = 0;
  let opened = false;
  const waiting: Array<() => void> = [];
  let onHeld: (() => void) | undefined;
  const heldPromise = new Promise<void>((resolve) => (onHeld = resolve));
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = new Socket();
    sockets.add(client).add(upstream);
    upstream.connect(upstreamPort, '127.0.0.1');
    client.pipe(upstream);
    let sent = 0;
    upstream.on('data', (chunk: Buffer) => {
      const write = () => {
        sent += chunk.length;
        forwarded += chunk.length;
        if (!client.write(chunk)) {
          upstream.pause();
          client.once('drain', () => upstream.resume());
        }
      };
      if (opened || sent + chunk.length <= gateAfter) {
        write();
        return;
      }
      upstream.pause();
      onHeld?.();
      waiting.push(() => {
        write();
        upstream.resume();
      });
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    upstream.on('end', () => client.end());
    upstream.on('error', end);
    client.on('error', end);
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    forwarded: () => forwarded,
    held: () => heldPromise,
    open: () => {
      opened = true;
      for (const resume of waiting.splice(0)) resume();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
