import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { freePort } from './ports';

/**
 * Storage emulators as child processes on loopback, for tests and the bench: Azurite (Microsoft's Azure Storage
 * emulator) and s3rver. Each runs in its own process, so its work never competes with the caller's event loop,
 * and stores under a temporary directory removed when it stops.
 */
export interface Emulator {
  /** The child's pid (the bench pins it to the server core). */
  readonly pid: number;
  stop(): Promise<void>;
}

/** Azurite's well-known development account (public, documented; it guards nothing). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteServer extends Emulator {
  /** The blob service URL, account included (Azurite serves accounts path-style): `http://127.0.0.1:<port>/devstoreaccount1`. */
  blobEndpoint: string;
  accountName: string;
  accountKey: string;
  /** The same account as a connection string. */
  connectionString: string;
}

export interface AzuriteOptions {
  /** Keep blobs in memory (fast, lost on exit) rather than in a temporary directory. Default: false. */
  inMemory?: boolean;
}

/**
 * Starts azurite-blob (the blob service only). `--loose` and `--skipApiVersionCheck` let a newer SDK talk to it;
 * `--disableTelemetry` because it would otherwise report usage over the network.
 */
export async function startAzurite(options: AzuriteOptions = {}): Promise<AzuriteServer> {
  const port = await freePort();
  const directory = mkdtempSync(path.join(tmpdir(), 'azurite-'));
  const main = require.resolve('azurite/dist/src/blob/main.js');
  const storage = options.inMemory ? ['--inMemoryPersistence'] : ['--location', directory];
  const args = [main, '--blobHost', '127.0.0.1', '--blobPort', String(port), ...storage, '--silent', '--loose', '--skipApiVersionCheck', '--disableTelemetry'];
  const blobEndpoint = `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
  const emulator = await spawnEmulator('azurite', process.execPath, args, `http://127.0.0.1:${port}/`, directory);
  return {
    ...emulator,
    blobEndpoint,
    accountName: AZURITE_ACCOUNT,
    accountKey: AZURITE_KEY,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${blobEndpoint};`,
  };
}

export interface S3rverServer extends Emulator {
  endpoint: string;
  bucket: string;
  /** s3rver accepts any signature made with these. */
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * Starts s3rver's command line with one bucket. Plain s3rver: UploadPartCopy answers 501, so the S3 driver commits
 * multi-chunk uploads by streaming the parts (libs/storage's in-process test server adds part copies for its specs).
 */
export async function startS3rver(bucket = 'bench'): Promise<S3rverServer> {
  const port = await freePort();
  const directory = mkdtempSync(path.join(tmpdir(), 's3rver-'));
  const bin = require.resolve('s3rver/bin/s3rver.js');
  const args = [bin, '--directory', directory, '--address', '127.0.0.1', '--port', String(port), '--silent', '--configure-bucket', bucket];
  const endpoint = `http://127.0.0.1:${port}`;
  const emulator = await spawnEmulator('s3rver', process.execPath, args, `${endpoint}/`, directory);
  return { ...emulator, endpoint, bucket, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
}

/** Spawns the emulator and waits until `readyUrl` answers anything at all (an HTTP error is an answer). */
async function spawnEmulator(label: string, command: string, args: string[], readyUrl: string, directory: string): Promise<Emulator> {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-10_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    await stopChild(child, exited);
    rmSync(directory, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`${label} exited with ${child.exitCode ?? child.signalCode}: ${stderr}`);
    }
    try {
      const response = await fetch(readyUrl);
      await response.arrayBuffer();
      return { pid: child.pid!, stop };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100)); // not listening yet
    }
  }
  await stop();
  throw new Error(`${label} did not answer at ${readyUrl} within 30 s: ${stderr}`);
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
