import { promises as fsp } from 'node:fs';

interface OpenFile {
  handle: fsp.FileHandle;
  /** The inode the handle was opened on: the upload's path must still name it for the handle to be reused. */
  ino: number;
  idle: NodeJS.Timeout;
}

/**
 * Upload files kept open between the chunks of an upload, so a PATCH does not open and close its file again.
 *
 * Why: opening a file for writing on ext4 (with quotas) joins the journal, and right after the previous chunk's
 * datasync that waited ~1 ms, sometimes several, per chunk. A handle is only ever used under the store's
 * per-upload lock; `take` removes it from the cache so an idle close can never hit a handle in use. Callers
 * reuse a handle only when the upload's path still names its inode (not renamed into a blob, not recreated).
 */
export class OpenUploadFiles {
  private readonly files = new Map<string, OpenFile>();

  constructor(
    private readonly capacity = 256,
    private readonly idleMs = 30_000,
  ) {}

  /** The cached handle of `id` opened on inode `ino`; a handle on another inode is closed and dropped. */
  async take(id: string, ino: number): Promise<fsp.FileHandle | undefined> {
    const file = this.remove(id);
    if (!file) return undefined;
    if (file.ino === ino) return file.handle;
    await file.handle.close().catch(() => undefined);
    return undefined;
  }

  put(id: string, handle: fsp.FileHandle, ino: number): void {
    void this.discard(id); // never two handles for one upload
    if (this.files.size >= this.capacity) {
      const oldest = this.files.keys().next().value;
      if (oldest !== undefined) void this.discard(oldest);
    }
    const idle = setTimeout(() => void this.discard(id), this.idleMs);
    idle.unref(); // an idle upload must not keep the process alive
    this.files.set(id, { handle, ino, idle });
  }

  /** Closes and forgets the handle of `id`, if any (commit, abort, idle). */
  async discard(id: string): Promise<void> {
    await this.remove(id)
      ?.handle.close()
      .catch(() => undefined);
  }

  get size(): number {
    return this.files.size;
  }

  private remove(id: string): OpenFile | undefined {
    const file = this.files.get(id);
    if (!file) return undefined;
    clearTimeout(file.idle);
    this.files.delete(id);
    return file;
  }
}
