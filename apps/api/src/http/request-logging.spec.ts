import { createServer, request, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { beginRequest } from './request-logging';

/** The access line: one per request at info, with the request id and without the query string; nothing at warn. */
describe('beginRequest', () => {
  async function serveOnce(level: string): Promise<{ lines: Array<Record<string, unknown>>; requestId: string | undefined }> {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
        done();
      },
    });
    const logger = pino({ level }, sink);
    let closed!: () => void;
    const responseClosed = new Promise<void>((resolve) => (closed = resolve));
    const server: Server = createServer((req, res) => {
      beginRequest(req, res, logger, 'api');
      res.once('close', () => setImmediate(closed));
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const requestId = await new Promise<string | undefined>((resolve, reject) => {
      const outgoing = request({ host: '127.0.0.1', port, path: '/v2/x/tags/list?password=secret', agent: false, headers: { 'x-request-id': 'req-1' } }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.headers['x-request-id'] as string | undefined));
      });
      outgoing.on('error', reject);
      outgoing.end();
    });
    await responseClosed;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return { lines, requestId };
  }

  it('writes one access line at info, bound to the request id, without the query string', async () => {
    const { lines, requestId } = await serveOnce('info');
    expect(requestId).toBe('req-1');
    expect(lines).toEqual([expect.objectContaining({ msg: 'request', requestId: 'req-1', method: 'GET', path: '/v2/x/tags/list', status: 200, aborted: false })]);
  });

  it('writes nothing at warn (the access line is not even built)', async () => {
    const { lines, requestId } = await serveOnce('warn');
    expect(requestId).toBe('req-1');
    expect(lines).toEqual([]);
  });
});
