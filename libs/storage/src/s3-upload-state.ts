import { randomBytes } from 'node:crypto';
import { uploadKeySegments } from './storage-keys';

/** One stored piece of an upload: an ordinary object under `uploads/<id>/chunks/`. */
export interface UploadChunk {
  key: string;
  size: number;
}

/**
 * `uploads/<id>/state.json`: the upload's one source of truth. A chunk object exists before the
 * state that names it, so a failed or interrupted append leaves at most unreferenced chunk objects
 * (removed with the upload), never a state pointing at missing bytes.
 */
export interface UploadState {
  version: 1;
  size: number;
  /** In byte order; every chunk but the last is at least MIN_PART_SIZE (see s3-blob-store.ts). */
  chunks: UploadChunk[];
}

export const EMPTY_UPLOAD: UploadState = { version: 1, size: 0, chunks: [] };

/** `uploads/<id>/`, for a validated id. */
export function uploadPrefix(id: string): string {
  return `${uploadKeySegments(id).join('/')}/`;
}

export function stateKey(id: string): string {
  return `${uploadPrefix(id)}state.json`;
}

/**
 * A fresh key for a chunk starting at `offset`. The random suffix keeps a rewritten chunk (a tail
 * merged with the next append) from overwriting the object the current state still points to.
 */
export function chunkKey(id: string, offset: number): string {
  return `${uploadPrefix(id)}chunks/${String(offset).padStart(16, '0')}-${randomBytes(6).toString('hex')}`;
}

/** Parses and sanity-checks a state object; a corrupt state must fail loudly, not lose bytes. */
export function parseUploadState(text: string, id: string): UploadState {
  const prefix = `${uploadPrefix(id)}chunks/`;
  const value = JSON.parse(text) as Partial<UploadState>;
  const chunks = Array.isArray(value.chunks) ? value.chunks : undefined;
  const valid =
    value.version === 1 &&
    Number.isSafeInteger(value.size) &&
    chunks !== undefined &&
    chunks.every((c) => typeof c?.key === 'string' && c.key.startsWith(prefix) && Number.isSafeInteger(c.size) && c.size > 0) &&
    chunks.reduce((sum, c) => sum + c.size, 0) === value.size;
  if (!valid) throw new Error(`upload ${id} has a corrupt state object`);
  return { version: 1, size: value.size as number, chunks: chunks.map(({ key, size }) => ({ key, size })) };
}
