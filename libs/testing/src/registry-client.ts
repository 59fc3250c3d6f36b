import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export function digestOf(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Runs a real client (skopeo, docker) and returns its stdout; failures carry stderr for the report. */
export async function runClient(command: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  try {
    const { stdout } = await execFileAsync(command, args, { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024, timeout: 300_000 });
    return stdout;
  } catch (error) {
    const failure = error as { stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${failure.stderr ?? failure.message}`);
  }
}

/**
 * The path and query of a registry response's Location header. Locations are absolute on the api's PUBLIC_URL;
 * tests that send the next request of an upload to a chosen replica, or through a helper that prefixes the
 * base URL, need only this part.
 */
export function locationPath(response: Response): string {
  const location = response.headers.get('location');
  if (!location) throw new Error(`no Location header (status ${response.status})`);
  const url = new URL(location);
  return `${url.pathname}${url.search}`;
}

/** Pushes a blob monolithically through the HTTP API (POST ?digest=); returns its digest. */
export type FetchFn = (url: string, init?: RequestInit) => Promise<Response>;

export async function pushBlob(baseUrl: string, name: string, bytes: Buffer, fetchFn: FetchFn = fetch): Promise<string> {
  const digest = digestOf(bytes);
  const response = await fetchFn(`${baseUrl}/v2/${name}/blobs/uploads/?digest=${digest}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/octet-stream' },
    body: bytes,
  });
  if (response.status !== 201) throw new Error(`blob push failed: ${response.status} ${await response.text()}`);
  return digest;
}

/** Pushes a manifest; returns the response. */
export function putManifest(baseUrl: string, name: string, reference: string, manifest: unknown, mediaType: string, fetchFn: FetchFn = fetch): Promise<Response> {
  return fetchFn(`${baseUrl}/v2/${name}/manifests/${reference}`, {
    method: 'PUT',
    headers: { 'Content-Type': mediaType },
    body: typeof manifest === 'string' || Buffer.isBuffer(manifest) ? (manifest as string) : JSON.stringify(manifest),
  });
}
