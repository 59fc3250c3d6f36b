import { connect, Socket } from 'node:net';

export interface HeadLoadResult {
  rps: number;
  p99: number;
  /** The bench process's own CPU over the run, as a share of one core: near 1.0 means the client, not the server, set the rate. */
  clientCpu: number;
}

/**
 * HEAD requests on `connections` keep-alive connections for `seconds`: requests/s and the latency p99.
 *
 * Written on raw sockets because the load generator must not be what it measures: autocannon's parser waits for
 * the body a HEAD answer's Content-Length announces, and undici's per-request machinery held the client process
 * at one full core near 4 000 requests/s (profiled), a third of what the manifest GET figure shows the server
 * answering. A HEAD answer has no body, so a response ends at its blank line; one request in flight per
 * connection, as docker sends them.
 */
export async function headLoad(origin: string, path: string, headers: Record<string, string>, connections: number, seconds: number): Promise<HeadLoadResult> {
  const url = new URL(origin);
  const lines = [`HEAD ${path} HTTP/1.1`, `Host: ${url.host}`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
  const request = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`);
  const latencies: number[] = [];
  const until = Date.now() + seconds * 1000;
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: connections }, () => runConnection(url, request, until, latencies)));
  const elapsedSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  latencies.sort((a, b) => a - b);
  return {
    rps: latencies.length / elapsedSeconds,
    p99: latencies[Math.floor(latencies.length * 0.99)],
    clientCpu: (cpu.user + cpu.system) / 1e6 / elapsedSeconds,
  };
}

function runConnection(url: URL, request: Buffer, until: number, latencies: number[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host: url.hostname, port: Number(url.port), noDelay: true });
    let pending = '';
    let sentAt = 0n;
    const send = () => {
      sentAt = process.hrtime.bigint();
      socket.write(request);
    };
    socket.setEncoding('latin1');
    socket.once('connect', send);
    socket.on('error', reject);
    socket.on('data', (chunk: string) => {
      pending += chunk;
      const end = pending.indexOf('\r\n\r\n');
      if (end === -1) return;
      const status = pending.slice(9, 12);
      if (pending.length > end + 4) return fail(`blob HEAD answer carried bytes after its headers`);
      if (status !== '200') return fail(`blob HEAD on ${url.origin}: ${pending.slice(0, end)}`);
      pending = '';
      latencies.push(Number(process.hrtime.bigint() - sentAt) / 1e6);
      if (Date.now() < until) return send();
      socket.end();
      resolve();
    });
    const fail = (message: string) => {
      socket.destroy();
      reject(new Error(message));
    };
  });
}
