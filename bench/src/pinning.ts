import { spawnSync } from 'node:child_process';
import { availableParallelism, cpus } from 'node:os';

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

/** Every process whose name is exactly `name` (pgrep -x). */
export function processIds(name: string): number[] {
  return spawnSync('pgrep', ['-x', name], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
}

/** The machine's PostgreSQL and Redis processes, the postmaster included. */
function servicePids(): number[] {
  return [...processIds('postgres'), ...processIds('redis-server')];
}

/**
 * Pins the machine's PostgreSQL and Redis (every process of each, the postmaster included, so new backends
 * inherit it) to the server core: they are part of cargohold's server, and left free they would run on the
 * client's core. Returns how to give them back every core. Best effort: a process may exit meanwhile.
 */
export function pinServices(core: number): () => void {
  const setAffinity = (cores: string) => {
    for (const pid of servicePids()) spawnSync('taskset', ['-a', '-p', '-c', cores, String(pid)]);
  };
  setAffinity(String(core));
  // cpus(), not availableParallelism(): the bench itself is pinned to one core by now.
  return () => setAffinity(`0-${cpus().length - 1}`);
}
