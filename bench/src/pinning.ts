import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/** Core layout: the client (this process and what it spawns, e.g. skopeo) on core 0, every server on core 1. */
export const CLIENT_CORE = 0;
export const SERVER_CORE = 1;

export function canPin(): boolean {
  return availableParallelism() >= 2 && spawnSync('taskset', ['--version']).status === 0;
}

/**
 * Pins every thread of a running process (`-a`: libuv and V8 threads included, not just the main one);
 * threads and children it creates later inherit the mask.
 */
export function pin(pid: number, core: number): void {
  const result = spawnSync('taskset', ['-a', '-p', '-c', String(core), String(pid)], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`taskset failed for pid ${pid}: ${result.stderr}`);
}

