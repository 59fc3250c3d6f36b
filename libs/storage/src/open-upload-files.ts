import { promises as fsp } from 'node:fs';

/** An upload file's open handles: the ordinary one, and the O_DIRECT one when uploads are written that way. */
export interface UploadHandles {
  buffered: fsp.FileHandle;
  direct?: fsp.FileHandle;
}

interface OpenFile {
  handles: UploadHandles;
  /** The inode the handles were opened on: the upload's path must still name it for them to be reused. */
  ino: number;
  idle: NodeJS.Timeout;
}

/**
 * Upload files kept open between the chunks of an upload, so a PATCH does not open and close its file again.
 *
 * Why: opening a file for writing on ext4 (with quotas) joins the journal, and right after the previous chunk's
 * datasync that waited ~1 ms, sometimes several, per chunk. Handles are only ever used under the store's
 * per-upload lock; `take` removes them from the cache so an idle close can never hit a handle in use. Callers
 * reuse them only when the upload's path still names their inode (not renamed into a blob, not recreated).
 */
export class OpenUploadFiles {
  private readonly files = new Map<string, OpenFile>();

  constructor(
    private readonly capacity = 256,
    private readonly idleMs = 30_000,
  ) {}

  /** The cached handles of `id` opened on inode `ino`; handles on another inode are closed and dropped. */
  async take(id: string, ino: number): Promise<UploadHandles | undefined> {
    const file = this.remove(id);
    if (!file) return undefined;
    if (file.ino === ino) return file.handles;
    await closeAll(file.handles);
    return undefined;
  }

  put(id: string, handles: UploadHandles, ino: number): void {
    void this.discard(id); // never two sets for one upload
    if (this.files.size >= this.capacity) {
      const oldest = this.files.keys().next().value;
      if (oldest !== undefined) void this.discard(oldest);
    }
    const idle = setTimeout(() => void this.discard(id), this.idleMs);
    idle.unref(); // an idle upload must not keep the process alive
    this.files.set(id, { handles, ino, idle });
  }

  /** Closes and forgets the handles of `id`, if any (commit, abort, idle). */
  async discard(id: string): Promise<void> {
    const file = this.remove(id);
    if (file) await closeAll(file.handles);
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

/** Closes every handle of an upload; a close that fails (already closed) does not matter here. */
export async function closeAll(handles: UploadHandles): Promise<void> {
  await handles.buffered.close().catch(() => undefined);
  await handles.direct?.close().catch(() => undefined);
}
