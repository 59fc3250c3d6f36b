import { createServer, IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';

export interface ReceivedHook {
  headers: IncomingHttpHeaders;
  /** The exact body bytes, as the signature covers them. */
  raw: string;
  body: any;
  at: number;
}

/**
 * A webhook receiver for the webhooks e2e specs, on 127.0.0.1 and a free port. `answer` decides each response
 * (status code, or 'hang' to hold the socket open without ever answering).
 */
export class HookReceiver {
  readonly received: ReceivedHook[] = [];
  private readonly sockets = new Set<Socket>();
  private server!: Server;
  url = '';

  constructor(private readonly answer: (index: number) => number | 'hang' = () => 200) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this;
  }

  /** Waits until `count` requests arrived (or fails after `timeoutMs`). */
  async waitFor(count: number, timeoutMs = 30_000): Promise<ReceivedHook[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} webhook requests, got ${this.received.length}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return this.received;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const index = this.received.length;
    this.received.push({ headers: req.headers, raw, body: JSON.parse(raw), at: Date.now() });
    const answer = this.answer(index);
    if (answer === 'hang') return;
    res.writeHead(answer, { 'Content-Type': 'application/json' }).end(JSON.stringify({ ok: answer < 300 }));
  }
}
