import { setFlagsFromString } from 'node:v8';

/** The old generation may grow to twice its live size before the next full collection. */
const HEAP_GROWING_PERCENT = 100;

/**
 * Tunes V8's heap for a process that streams blobs. Call it first thing in a service's main.
 *
 * V8 starts incremental marking as soon as the old generation's room left (its limit minus its size) is
 * smaller than the young generation's capacity. The limit after each full collection is the live size times a
 * factor V8 derives from GC and mutator speed, ~1.6 for the api's ~40 MB. A push receives ~1 GB/s of socket
 * buffers, which keeps the young generation at its full 2 x 16 MiB; after the process had been idle (V8 shrinks
 * the heap then) the room left was 24 MB against 32, so every full collection started the next one: one every
 * ~80 ms for the whole push, doubling the api's CPU per GiB pushed (docs/performance.md, fifth session).
 * A fixed factor of 2 leaves ~40 MB. The flag is read at every limit computation, so setting it at runtime works.
 */
export function tuneHeapForStreaming(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
