import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { Layer } from './payload';
import { Target } from './targets';

/** One keep-alive agent for the whole bench, like a docker daemon's HTTP client. */
const agent = new Agent({ keepAliveTimeout: 30_000, connections: 64, pipelining: 1 });

type Body = string | Buffer | Readable | null;

export async function call(method: string, url: string, headers: Record<string, string>, body: Body = null) {
  const response = await request(url, { method: method as 'GET', headers, body, dispatcher: agent });
  return response;
}

export async function expectStatus(response: Awaited<ReturnType<typeof call>>, expected: number, what: string): Promise<void> {
  if (response.statusCode === expected) return;
  const text = await response.body.text().catch(() => '');
  throw new Error(`${what}: expected ${expected}, got ${response.statusCode} ${text.slice(0, 500)}`);
}

/** Upload Location headers may be relative (ours) or absolute with state parameters (distribution). */
function follow(base: string, response: Awaited<ReturnType<typeof call>>): string {
  const location = response.headers.location;
  if (typeof location !== 'string') throw new Error(`no Location header (status ${response.statusCode})`);
  return new URL(location, base).toString();
}

function withDigest(location: string, digest: string): string {
  return `${location}${location.includes('?') ? '&' : '?'}digest=${encodeURIComponent(digest)}`;
}

async function startUpload(target: Target, name: string, auth: Record<string, string>): Promise<string> {
  const response = await call('POST', `${target.url}/v2/${name}/blobs/uploads/`, { ...auth, 'content-length': '0' });
  await expectStatus(response, 202, 'POST upload');
  await response.body.dump();
  return follow(target.url, response);
}

export type PushMode = 'monolithic' | 'chunked';

/**
 * Pushes a layer as docker does: POST for a session, then either one PUT ?digest= carrying the whole blob
 * ("monolithic"), or PATCHes of `chunkSize` bytes with Content-Range followed by an empty PUT ?digest=.
 */
export async function pushLayer(target: Target, name: string, layer: Layer, mode: PushMode, chunkSize: number): Promise<void> {
  const auth = await target.auth(`repository:${name}:pull,push`);
  let location = await startUpload(target, name, auth);
  const octets = { ...auth, 'content-type': 'application/octet-stream' };
  if (mode === 'monolithic') {
    const response = await call('PUT', withDigest(location, layer.digest), { ...octets, 'content-length': String(layer.size) }, layer.stream());
    await expectStatus(response, 201, 'PUT monolithic');
    await response.body.dump();
    return;
  }
  for (let offset = 0; offset < layer.size; offset += chunkSize) {
    const length = Math.min(chunkSize, layer.size - offset);
    const headers = { ...octets, 'content-length': String(length), 'content-range': `${offset}-${offset + length - 1}` };
    const response = await call('PATCH', location, headers, layer.stream(offset, length));
    await expectStatus(response, 202, `PATCH at ${offset}`);
    await response.body.dump();
    location = follow(target.url, response);
  }
  const response = await call('PUT', withDigest(location, layer.digest), { ...auth, 'content-length': '0' });
  await expectStatus(response, 201, 'PUT chunked');
  await response.body.dump();
}

/** Pushes a small blob from memory (configs, tiny layers for the manifest figures). */
export async function pushBytes(target: Target, name: string, bytes: Buffer): Promise<string> {
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  const auth = await target.auth(`repository:${name}:pull,push`);
  const location = await startUpload(target, name, auth);
  const headers = { ...auth, 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) };
  const response = await call('PUT', withDigest(location, digest), headers, bytes);
  await expectStatus(response, 201, 'PUT bytes');
  await response.body.dump();
  return digest;
}

/** docker's upload of one blob: POST for a session, one PATCH with the bytes, an empty PUT ?digest=. */
export async function uploadDockerStyle(target: Target, name: string, bytes: Buffer, digest: string, auth: Record<string, string>): Promise<void> {
  const location = await startUpload(target, name, auth);
  const patch = await call('PATCH', location, { ...auth, 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) }, bytes);
  await expectStatus(patch, 202, 'PATCH');
  await patch.body.dump();
  const put = await call('PUT', withDigest(follow(target.url, patch), digest), { ...auth, 'content-length': '0' });
  await expectStatus(put, 201, 'PUT after PATCH');
  await put.body.dump();
}

/** GETs a blob; with `verify` the client hashes every byte and checks the digest, as docker does. */
export async function pullLayer(target: Target, name: string, layer: Layer, verify: boolean): Promise<void> {
  const auth = await target.auth(`repository:${name}:pull`);
  const response = await call('GET', `${target.url}/v2/${name}/blobs/${layer.digest}`, auth);
  await expectStatus(response, 200, 'GET blob');
  const hash = verify ? createHash('sha256') : undefined;
  let received = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    hash?.update(chunk);
    received += chunk.length;
  }
  if (received !== layer.size) throw new Error(`pulled ${received} bytes, expected ${layer.size}`);
  if (hash && `sha256:${hash.digest('hex')}` !== layer.digest) throw new Error(`pulled bytes do not match ${layer.digest}`);
}

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
/** What docker sends when it pulls by tag. */
export const DOCKER_ACCEPT = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.index.v1+json',
  OCI_MANIFEST,
].join(', ');

export async function putManifest(target: Target, name: string, reference: string, body: string): Promise<void> {
  const auth = await target.auth(`repository:${name}:pull,push`);
  const response = await call('PUT', `${target.url}/v2/${name}/manifests/${reference}`, { ...auth, 'content-type': OCI_MANIFEST }, body);
  await expectStatus(response, 201, `PUT manifest ${reference}`);
  await response.body.dump();
}

/** GET with auth; returns status, headers and the body as text. */
export async function getText(target: Target, name: string, pathAndQuery: string, scopeAction = 'pull') {
  const auth = await target.auth(`repository:${name}:${scopeAction}`);
  const response = await call('GET', new URL(pathAndQuery, target.url).toString(), { ...auth, accept: DOCKER_ACCEPT });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

export async function closeAgent(): Promise<void> {
  await agent.close();
}
