import * as net from 'node:net';

/** RESP encoding of one command, so passwords with spaces or quotes need no escaping. */
export function respCommand(...args: string[]): string {
  return `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;
}

/**
 * Sends commands over a raw socket and returns the raw replies once `until` says the reply text is complete.
 * Deliberately dependency-free: libs/embedded must not need a Redis client library.
 */
export function redisRaw(port: number, payload: string, until: (reply: string) => boolean, timeoutMs = 1_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let reply = '';
    const timer = setTimeout(() => finish(new Error(`no reply from redis on port ${port} within ${timeoutMs} ms`)), timeoutMs);
    function finish(error?: Error) {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(reply);
    }
    socket.once('connect', () => socket.write(payload));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (until(reply)) finish();
    });
    socket.once('error', finish);
    socket.once('close', () => finish(until(reply) ? undefined : new Error(`redis on port ${port} closed the connection: ${reply.trim()}`)));
  });
}

/** True when Redis answers PONG (after AUTH when a password is set); false while loading or unreachable. */
export async function redisPing(port: number, password?: string, timeoutMs = 1_000): Promise<boolean> {
  const payload = (password ? respCommand('AUTH', password) : '') + respCommand('PING');
  const expectedReplies = password ? 2 : 1;
  try {
    const reply = await redisRaw(port, payload, (text) => (text.match(/\r\n/g)?.length ?? 0) >= expectedReplies, timeoutMs);
    return reply.split('\r\n')[expectedReplies - 1] === '+PONG';
  } catch {
    return false;
  }
}
