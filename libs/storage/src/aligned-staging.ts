/** The part of the WebAssembly global used here (the compiler's lib has no DOM or WebAssembly types). */
declare const WebAssembly: { Memory: new (descriptor: { initial: number }) => { readonly buffer: ArrayBuffer } };

/** O_DIRECT needs the buffer, the file offset and the length aligned to the device's logical block; 4 KiB covers every common one. */
export const DIRECT_IO_ALIGNMENT = 4096;

/**
 * Page-aligned staging buffers for O_DIRECT writes, reused across uploads.
 *
 * Node has no aligned allocation, but a WebAssembly.Memory is backed by whole pages (V8 maps it with the page
 * allocator), so slices of it at multiples of 64 KiB are aligned. Memories are never grown (growing would
 * detach the buffers handed out) nor freed: the pool keeps as many slices as uploads ever streamed at once,
 * and their pages stay resident, which is the point (no fresh page to fault in per upload).
 */
export class AlignedStagingPool {
  private readonly free: Buffer[] = [];

  constructor(
    /** Bytes per slice: a multiple of 64 KiB (the WebAssembly page). */
    readonly sliceBytes: number,
    private readonly slicesPerMemory = 8,
  ) {
    if (sliceBytes <= 0 || sliceBytes % 65536 !== 0) throw new RangeError('staging slices are whole 64 KiB pages');
  }

  take(): Buffer {
    if (this.free.length === 0) this.grow();
    return this.free.pop()!;
  }

  give(slice: Buffer): void {
    this.free.push(slice);
  }

  private grow(): void {
    const memory = new WebAssembly.Memory({ initial: (this.sliceBytes / 65536) * this.slicesPerMemory });
    for (let i = 0; i < this.slicesPerMemory; i++) this.free.push(Buffer.from(memory.buffer, i * this.sliceBytes, this.sliceBytes));
  }
}
