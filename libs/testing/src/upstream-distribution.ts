import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash, createSign, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { freePort } from './ports';

/**
 * CNCF distribution (Debian's `docker-registry`) as an upstream for pull-through tests: anonymous, behind htpasswd
 * Basic auth (apache2-utils' `htpasswd -Bbn`), or behind the Docker token flow with a token server this helper runs
 * itself (RS256 JWTs whose x5c names a self-signed certificate made with openssl, the one distribution trusts as its
 * rootcertbundle). Its access log is kept, so a test can count what a client fetched. It can be stopped and started
 * again on the same port and storage (an upstream outage).
 */
export interface UpstreamDistribution {
  /** `http://127.0.0.1:<port>`: the base URL an upstream is configured with. */
  url: string;
  /** The credentials Basic and token modes accept. */
  username: string;
  password: string;
  /** An Authorization header that may push and pull `repository` (none in anonymous mode). */
  authorization(repository: string): string | undefined;
  /** The access log's request lines so far, e.g. `GET /v2/a/b/blobs/sha256:...` (HEAD and GET, every status). */
  requests(): string[];
  /** Tokens the token server has issued (token mode). */
  tokensIssued(): number;
  stop(): Promise<void>;
  /** Starts it again after stop, same port and storage. */
  start(): Promise<void>;
  /** Stops it (and the token server) and removes its storage. */
  close(): Promise<void>;
}

export type UpstreamAuthMode = 'anonymous' | 'basic' | 'token';

const SERVICE = 'upstream-test-registry';
const ISSUER = 'upstream-test-issuer';

export async function startUpstreamDistribution(mode: UpstreamAuthMode = 'anonymous'): Promise<UpstreamDistribution> {
  const dir = mkdtempSync(path.join(tmpdir(), 'upstream-distribution-'));
  const username = 'puller';
  const password = randomBytes(12).toString('hex');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = ['version: 0.1', 'log:', '  level: info', '  formatter: text', 'storage:', '  filesystem:', `    rootdirectory: ${path.join(dir, 'data')}`];
  config.push('  delete:', '    enabled: true', 'http:', `  addr: 127.0.0.1:${port}`);
  let tokens: TokenServer | undefined;
  if (mode === 'basic') {
    const htpasswd = execFileSync('htpasswd', ['-Bbn', username, password], { encoding: 'utf8' });
    writeFileSync(path.join(dir, 'htpasswd'), htpasswd);
    config.push('auth:', '  htpasswd:', '    realm: upstream-test', `    path: ${path.join(dir, 'htpasswd')}`);
  } else if (mode === 'token') {
    tokens = await startTokenServer(dir, username, password);
    config.push('auth:', '  token:', `    realm: ${tokens.url}/token`, `    service: ${SERVICE}`, `    issuer: ${ISSUER}`, `    rootcertbundle: ${tokens.certFile}`);
  }
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  const configFile = path.join(dir, 'config.yml');
  writeFileSync(configFile, config.join('\n') + '\n');

  let child: ChildProcess | undefined;
  let log = '';
  const start = async () => {
    const started = spawn('/usr/bin/docker-registry', ['serve', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    const collect = (chunk: Buffer) => (log += chunk.toString());
    started.stdout!.on('data', collect);
    started.stderr!.on('data', collect);
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (started.exitCode !== null) throw new Error(`docker-registry exited: ${log.slice(-2000)}`);
      const ready = await fetch(`${url}/v2/`).then((response) => response.status === 200 || response.status === 401, () => false);
      if (ready) return;
      if (Date.now() > deadline) throw new Error(`docker-registry did not answer: ${log.slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    const timer = setTimeout(() => running.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  await start();
  return {
    url,
    username,
    password,
    authorization: (repository) => {
      if (mode === 'basic') return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
      if (mode === 'token') return `Bearer ${tokens!.issue(username, `repository:${repository}:pull,push`)}`;
      return undefined;
    },
    // distribution's text access log: `127.0.0.1 - - [date] "GET /v2/... HTTP/1.1" 200 ...`
    requests: () => [...log.matchAll(/"((?:GET|HEAD|PUT|POST|PATCH|DELETE) \/v2\/[^ "]*)/g)].map((match) => match[1]),
    tokensIssued: () => tokens?.issued() ?? 0,
    stop,
    start,
    close: async () => {
      await stop();
      await tokens?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface TokenServer {
  url: string;
  certFile: string;
  issue(subject: string, scope: string): string;
  issued(): number;
  close(): Promise<void>;
}

/**
 * The Docker token flow's token server: `GET /token?service=&scope=` with Basic credentials answers
 * `{"token": <JWT>, "expires_in": 300}`; anonymous or wrong credentials get 401. The JWT carries the requested
 * repository actions (pull and push) in distribution's `access` claim.
 */
async function startTokenServer(dir: string, username: string, password: string): Promise<TokenServer> {
  const keyFile = path.join(dir, 'token.key');
  const certFile = path.join(dir, 'token.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=upstream-test-token'], { stdio: 'ignore' });
  const key = readFileSync(keyFile, 'utf8');
  const certDer = Buffer.from(readFileSync(certFile, 'utf8').replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  let count = 0;
  const issue = (subject: string, scope: string) => {
    const now = Math.floor(Date.now() / 1000);
    const access = scope
      .split(' ')
      .map((item) => item.split(':'))
      .filter((parts) => parts.length >= 3)
      .map((parts) => ({ type: parts[0], name: parts.slice(1, -1).join(':'), actions: parts[parts.length - 1].split(',') }));
    const header = { alg: 'RS256', typ: 'JWT', x5c: [certDer.toString('base64')] };
    const claims = { iss: ISSUER, sub: subject, aud: SERVICE, exp: now + 300, nbf: now - 10, iat: now, jti: randomBytes(8).toString('hex'), access };
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${encode(header)}.${encode(claims)}`;
    const signature = createSign('RSA-SHA256').update(unsigned).sign(key).toString('base64url');
    count++;
    return `${unsigned}.${signature}`;
  };
  const expected = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  const server: Server = createServer((req, res) => {
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    if (req.headers.authorization !== expected || query.get('service') !== SERVICE) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"incorrect username or password"}');
      return;
    }
    const token = issue(username, query.get('scope') ?? '');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, expires_in: 300, issued_at: new Date().toISOString() }));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    certFile,
    issue,
    issued: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Pushes a blob to a distribution (POST, then PUT ?digest= with the bytes); returns its digest. */
export async function pushUpstreamBlob(upstream: UpstreamDistribution, repository: string, bytes: Buffer): Promise<string> {
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  const authorization = upstream.authorization(repository);
  const headers: Record<string, string> = authorization ? { authorization } : {};
  const started = await fetch(`${upstream.url}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers });
  if (started.status !== 202) throw new Error(`upload start failed: ${started.status} ${await started.text()}`);
  const location = new URL(started.headers.get('location')!, upstream.url);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, { method: 'PUT', headers: { ...headers, 'content-type': 'application/octet-stream' }, body: bytes });
  if (put.status !== 201) throw new Error(`upload failed: ${put.status} ${await put.text()}`);
  return digest;
}

/** Pushes manifest bytes under a tag or digest; returns the digest distribution reports. */
export async function pushUpstreamManifest(upstream: UpstreamDistribution, repository: string, reference: string, bytes: Buffer, mediaType: string): Promise<string> {
  const authorization = upstream.authorization(repository);
  const response = await fetch(`${upstream.url}/v2/${repository}/manifests/${reference}`, {
    method: 'PUT',
    headers: { 'content-type': mediaType, ...(authorization ? { authorization } : {}) },
    body: bytes,
  });
  if (response.status !== 201) throw new Error(`manifest push failed: ${response.status} ${await response.text()}`);
  return response.headers.get('docker-content-digest')!;
}

export interface PushedImage {
  manifest: Buffer;
  digest: string;
  config: { digest: string; bytes: Buffer };
  layers: Array<{ digest: string; bytes: Buffer }>;
}

/**
 * Pushes an OCI image of random layers (sizes in bytes) and a small config, tagged `tag`. Layer bytes are random,
 * not tars: distribution does not look inside layers, and neither does a pull-through cache.
 */
export async function pushUpstreamImage(upstream: UpstreamDistribution, repository: string, tag: string, layerSizes: number[]): Promise<PushedImage> {
  const configBytes = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, nonce: randomBytes(8).toString('hex') }));
  const config = { digest: await pushUpstreamBlob(upstream, repository, configBytes), bytes: configBytes };
  const layers: PushedImage['layers'] = [];
  for (const size of layerSizes) {
    const bytes = randomBytes(size);
    layers.push({ digest: await pushUpstreamBlob(upstream, repository, bytes), bytes });
  }
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config.digest, size: configBytes.length },
      layers: layers.map((layer) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layer.digest, size: layer.bytes.length })),
    }),
  );
  const digest = await pushUpstreamManifest(upstream, repository, tag, manifest, 'application/vnd.oci.image.manifest.v1+json');
  return { manifest, digest, config, layers };
}
