import { readFileSync } from 'node:fs';

/** Resident set size of a process in MiB, or undefined once it is gone. */
export function rssMiB(pid: number): number | undefined {
  try {
    const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Samples a process's RSS every `intervalMs` until stopped; returns the highest value seen (MiB). */
export function watchPeakRss(pid: number, intervalMs = 20): () => number {
  let peak = rssMiB(pid) ?? 0;
  const timer = setInterval(() => (peak = Math.max(peak, rssMiB(pid) ?? 0)), intervalMs);
  return () => {
    clearInterval(timer);
    return Math.max(peak, rssMiB(pid) ?? 0);
  };
}

/**
 * CPU time a process has used so far (user + system, every thread), in ms; undefined once it is gone. The
 * kernel counts in clock ticks (USER_HZ, 100 per second on Linux), so a reading is good to 10 ms.
 */
export function cpuMs(pid: number): number | undefined {
  try {
    // Fields after the command name (which may contain spaces): utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/**
 * Starts counting a process's CPU time; `perGiB(bytes)` is what it has spent since, in ms per GiB of `bytes`
 * (undefined when /proc could not be read at either end).
 */
export function cpuMeter(pid: number): { perGiB(bytes: number): number | undefined } {
  const before = cpuMs(pid);
  return {
    perGiB: (bytes) => {
      const after = cpuMs(pid);
      return before === undefined || after === undefined ? undefined : ((after - before) * 1024 ** 3) / bytes;
    },
  };
}
