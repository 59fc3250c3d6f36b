import type { RegistryEventActor } from '../events';

/** Which way a tag was deleted: `/v2/` (by tag or by digest), the REST tag delete, a bulk delete, a cleanup policy run. */
export type TagDeletionHow = 'registry' | 'api' | 'bulk_delete' | 'cleanup';

export const TAG_DELETION_HOWS: readonly TagDeletionHow[] = ['registry', 'api', 'bulk_delete', 'cleanup'];

/**
 * What every statement that deletes tags is told, so it can record them as deleted (restorable while their
 * manifest is within the GC review window) in the same statement.
 */
export interface TagDeletion {
  how: TagDeletionHow;
  /** Who asked; the system (cleanup policies) is recorded as nobody. */
  actor: RegistryEventActor;
}
