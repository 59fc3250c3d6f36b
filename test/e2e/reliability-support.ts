/**
 * Shared by the reliability-* and security-* e2e specs: pushing small images over HTTP, and snapshots of
 * the registry's state (database rows and blob files) to prove that a refused request changed nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { Socket } from 'node:net';
import { digestOf, FetchFn, pushBlob, putManifest, TestDatabase } from '@cargohold/testing';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';

export interface PushedImage {
  digest: string;
  body: string;
  layer: string;
  config: string;
}

/** Builds (and optionally pushes) a one-layer image manifest; each call makes distinct bytes unless given them. */
export async function pushImage(base: string, repo: string, tag: string, fetchFn: FetchFn, layerBytes: Buffer = randomBytes(512)): Promise<PushedImage> {
  const layer = await pushBlob(base, repo, layerBytes, fetchFn);
  const configBytes = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, nonce: randomBytes(4).toString('hex') }));
  const config = await pushBlob(base, repo, configBytes, fetchFn);
  const body = manifestJson(config, configBytes.length, layer, layerBytes.length);
  const response = await putManifest(base, repo, tag, body, OCI_MANIFEST, fetchFn);
  if (response.status !== 201) throw new Error(`manifest push to ${repo}:${tag} failed: ${response.status} ${await response.text()}`);
  return { digest: digestOf(body), body, layer, config };
}

export function manifestJson(config: string, configSize: number, layer: string, layerSize: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: OCI_CONFIG, digest: config, size: configSize },
    layers: [{ mediaType: OCI_LAYER, digest: layer, size: layerSize }],
    ...extra,
  });
}

/** Every file under the blob store's root, relative, with its size: uploads in progress and committed blobs. */
export function storageFiles(dataDir: string): string[] {
  const root = path.join(dataDir, 'storage');
  const out: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push(`${path.relative(root, full)}:${statSync(full).size}`);
    }
  };
  walk(root);
  return out.sort();
}

const STATE_TABLES = [
  'repositories', 'blobs', 'repository_blobs', 'manifests', 'manifest_blobs', 'manifest_references', 'tags', 'uploads',
  'gc_blob_review_queue', 'gc_manifest_review_queue',
];

/** A comparable picture of the registry's state: a digest of each registry table's rows plus the storage files. */
export async function registryState(db: TestDatabase, dataDir: string): Promise<Record<string, unknown>> {
  const tables: Record<string, string> = {};
  for (const table of STATE_TABLES) {
    const rows = await db.query<Record<string, unknown>>(`SELECT * FROM ${table}`);
    // An upload's write lease is a lock, not content: a refused chunk may take and release a lease that its
    // upload's previous chunk left parked (held for ~100 ms), and that changes no byte or size.
    const content = (row: Record<string, unknown>) => (table === 'uploads' ? { ...row, lease_until: undefined } : row);
    const lines = rows.map((row) => JSON.stringify(content(row), (_k, v) => (v instanceof Date ? v.toISOString() : v))).sort();
    tables[table] = `${rows.length}:${createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16)}`;
  }
  return { tables, files: storageFiles(dataDir) };
}

/**
 * Whether the database and the filesystem blob store agree: every blobs row has its file with the recorded
 * size and content hash, and every blob file has its row. Returns the disagreements (empty when consistent).
 */
export async function consistencyProblems(db: TestDatabase, dataDir: string): Promise<string[]> {
  const problems: string[] = [];
  const rows = await db.query<{ digest: string; size: number }>(`SELECT digest, size FROM blobs`);
  const known = new Set<string>();
  for (const { digest, size } of rows) {
    known.add(digest);
    const [algorithm, hex] = digest.split(':');
    const file = path.join(dataDir, 'storage', 'blobs', algorithm, hex.slice(0, 2), hex);
    if (!existsSync(file)) {
      problems.push(`row without file: ${digest}`);
      continue;
    }
    const bytes = readFileSync(file);
    if (bytes.length !== Number(size)) problems.push(`size mismatch: ${digest} row ${size} file ${bytes.length}`);
    if (`${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}` !== digest) problems.push(`content mismatch: ${digest}`);
  }
  for (const file of storageFiles(dataDir)) {
    const match = file.match(/^blobs\/(sha256|sha512)\/[0-9a-f]{2}\/([0-9a-f]+):/);
    if (match && !known.has(`${match[1]}:${match[2]}`)) problems.push(`file without row: ${match[1]}:${match[2]}`);
  }
  const orphanLinks = await db.query(`SELECT blob_digest FROM repository_blobs rb WHERE NOT EXISTS (SELECT 1 FROM blobs b WHERE b.digest = rb.blob_digest)`);
  for (const row of orphanLinks) problems.push(`link without blob: ${String(row.blob_digest)}`);
  return problems;
}

/**
 * Sends raw bytes on a fresh TCP connection and returns what came back before the server closed the
 * connection or `waitMs` passed: for requests fetch() refuses to make (lying Content-Length, bad bytes).
 */
export function rawRequest(port: number, bytes: Buffer | string, waitMs = 3000): Promise<string> {
  return new Promise((resolve) => {
    const socket = new Socket();
    let received = '';
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(received);
    };
    const timer = setTimeout(finish, waitMs);
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('close', finish);
    socket.on('error', finish);
    socket.connect(port, '127.0.0.1', () => socket.write(bytes));
  });
}

/** The status code of the first HTTP response in raw socket output, or null. */
export function rawStatus(output: string): number | null {
  const match = output.match(/^HTTP\/1\.1 (\d{3})/);
  return match ? Number(match[1]) : null;
}

/** A Bearer token for the given scopes, fetched with Basic credentials. */
export async function bearer(base: string, username: string, secret: string, scopes: string[]): Promise<string> {
  const query = new URLSearchParams({ service: 'container_registry' });
  for (const scope of scopes) query.append('scope', scope);
  const response = await fetch(`${base}/jwt/auth?${query}`, {
    headers: { Authorization: `Basic ${Buffer.from(`${username}:${secret}`).toString('base64')}` },
  });
  if (response.status !== 200) throw new Error(`token for ${username}: ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}
