import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { createLogger, Logger } from '@cargohold/common';
import { RangeNotSatisfiableError, RegistryError } from '@cargohold/registry';
import { sendError } from './registry-http';

/** A real server whose every request fails with `error`, rendered by sendError as /v2/ renders it. */
async function failingWith(error: unknown): Promise<{ server: Server; url: string }> {
  const log: Logger = createLogger({ level: 'silent', format: 'json', component: 'test' });
  const server = createServer((req, res) => sendError({ req, res, method: req.method ?? 'GET', query: new URLSearchParams(), log }, error));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/a/b/blobs/uploads/x` };
}

describe('sendError', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  it('answers an upload 416 with Content-Range naming the recorded size (from the error detail)', async () => {
    const failing = await failingWith(new RegistryError('RANGE_INVALID', 'chunk starts at 5000 but the upload is at 1000', { size: 1000 }));
    server = failing.server;
    const response = await fetch(failing.url, { method: 'PATCH', body: 'x' });
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe('bytes */1000');
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.json()).toEqual({ errors: [{ code: 'RANGE_INVALID', message: 'chunk starts at 5000 but the upload is at 1000', detail: { size: 1000 } }] });
  });

  it('answers an unsatisfiable blob Range with the blob size, HEAD without a body', async () => {
    const failing = await failingWith(new RangeNotSatisfiableError(300, 'bytes=400-'));
    server = failing.server;
    const response = await fetch(failing.url, { method: 'HEAD' });
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe('bytes */300');
    expect(response.headers.get('content-length')).toBe('0');
  });

  it('answers the registry conditions with their own status under an OCI code', async () => {
    const failing = await failingWith(new RegistryError('MANIFEST_REFERENCED', 'the manifest is referenced by an index: delete the index first'));
    server = failing.server;
    const response = await fetch(failing.url, { method: 'DELETE' });
    expect(response.status).toBe(409);
    expect(response.headers.get('content-range')).toBeNull();
    expect((await response.json()).errors[0].code).toBe('DENIED');
  });

  it('answers anything else 500 UNKNOWN, without saying what broke', async () => {
    const failing = await failingWith(new Error('secret internals'));
    server = failing.server;
    const response = await fetch(failing.url);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ errors: [{ code: 'UNKNOWN', message: 'internal error', detail: {} }] });
  });
});
