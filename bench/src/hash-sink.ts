import { createHash, Hash, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

/**
 * The physical limit of a push on one core: a bare node HTTP server that speaks just enough of the upload
 * protocol (POST, PATCH, PUT ?digest=) for the bench's push client, sha256-hashes every body byte, verifies
 * the digest and stores nothing. A registry cannot do less work per byte than this.
 */
const uploads = new Map<string, Hash>();

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://sink');
  const reply = (status: number, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Length': '0', ...headers });
    res.end();
  };
  if (url.pathname === '/v2/') return reply(200);
  if (req.method === 'POST') {
    req.resume();
    const id = randomUUID();
    uploads.set(id, createHash('sha256'));
    return reply(202, { Location: `/v2/sink/blobs/uploads/${id}`, Range: '0-0' });
  }
  const id = url.pathname.split('/').pop() ?? '';
  const hash = uploads.get(id);
  if (!hash || (req.method !== 'PATCH' && req.method !== 'PUT')) {
    req.resume();
    return reply(404);
  }
  req.on('data', (chunk: Buffer) => hash.update(chunk));
  req.on('end', () => {
    if (req.method === 'PATCH') return reply(202, { Location: `/v2/sink/blobs/uploads/${id}` });
    uploads.delete(id);
    const digest = `sha256:${hash.digest('hex')}`;
    reply(digest === url.searchParams.get('digest') ? 201 : 400, { 'Docker-Content-Digest': digest });
  });
});

server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
process.once('SIGTERM', () => process.exit(0));
