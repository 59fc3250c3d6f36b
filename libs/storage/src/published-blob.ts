import { BlobStore } from './blob-store';

/**
 * Pauses before each further look at a just-published blob that was not seen. Some S3-compatible servers
 * (s3rver among them) replace an object in place: while another upload of the same digest writes it again, the key
 * is missing for a moment. A blob still missing after these looks (375 ms in all) was really deleted (by GC).
 */
const LOOK_AGAIN_AFTER_MS = [25, 50, 100, 200];

/** Whether the store holds the blob, looking again for a moment when it is not seen at first. */
export async function isPublishedBlobPresent(store: Pick<BlobStore, 'stat'>, digest: string): Promise<boolean> {
  if (await store.stat(digest)) return true;
  for (const pause of LOOK_AGAIN_AFTER_MS) {
    await new Promise((resolve) => setTimeout(resolve, pause));
    if (await store.stat(digest)) return true;
  }
  return false;
}
