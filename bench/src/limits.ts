import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { MiB, poolBuffer } from './payload';

/** sha256 over `bytes` of 1 MiB buffers on this (the client's) core: MB/s. Every push and verified pull pays this. */
export function sha256Throughput(bytes: number): number {
  const hash = createHash('sha256');
  const started = process.hrtime.bigint();
  for (let i = 0; i < bytes / MiB; i++) hash.update(poolBuffer(i));
  hash.digest();
  return rate(bytes, started);
}

/** A dd-like sequential write of `bytes` in 1 MiB blocks followed by fsync, in the folder the servers store into: MB/s. */
export function diskWrite(dir: string, bytes: number): number {
  const file = path.join(dir, 'dd-test');
  const fd = openSync(file, 'w');
  try {
    const started = process.hrtime.bigint();
    for (let i = 0; i < bytes / MiB; i++) writeSync(fd, poolBuffer(i));
    fsyncSync(fd);
    return rate(bytes, started);
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
}

/**
 * Empties the page cache (clean pages only: call after sync). Needs root; elsewhere the bench runs without it and
 * says so once. True when the cache was dropped.
 */
export function dropPageCache(): boolean {
  try {
    writeFileSync('/proc/sys/vm/drop_caches', '1');
    return true;
  } catch {
    if (!warned) process.stderr.write('[bench] cannot drop the page cache (not root?): push figures will drift as the cache fills\n');
    warned = true;
    return false;
  }
}
let warned = false;

/** MB/s (10^6 bytes per second) since `started`. */
export function rate(bytes: number, started: bigint): number {
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return bytes / 1e6 / seconds;
}
