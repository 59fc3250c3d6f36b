import { DeletedTagRecord } from '@cargohold/registry';
import { presentTag } from './registry-management.presenter';
import { DeletedTagEntity } from './registry.entity';

/**
 * A deleted tag, in the shape of GitLab's tag entity plus what the deletion was. `restore_blocked_by` says why
 * a restore would fail now: `manifest_deleted` (410) or `name_taken` (409); null when it would succeed.
 */
export function presentDeletedTag(repositoryPath: string, record: DeletedTagRecord, publicUrl: string): DeletedTagEntity {
  const blockedBy = !record.manifestExists ? 'manifest_deleted' : record.nameTaken ? 'name_taken' : null;
  return {
    ...presentTag(repositoryPath, record.name, publicUrl),
    id: record.id,
    digest: record.digest,
    deleted_at: record.deletedAt,
    deleted_by: record.deletedById,
    deleted_by_type: record.deletedByKind,
    deleted_by_username: record.deletedByName,
    how: record.how,
    restorable_until: record.restorableUntil,
    restorable: blockedBy === null,
    restore_blocked_by: blockedBy,
  };
}
