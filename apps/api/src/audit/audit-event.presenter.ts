import { AuditEventRecord } from '@cargohold/iam';

/**
 * GitLab's AuditEvent entity: `details` carries author, target, address and entity path (and the event's own
 * facts); recent GitLab versions also repeat the main ones at the top level with `event_type`, so we do both.
 */
export function presentAuditEvent(event: AuditEventRecord) {
  const details = {
    ...event.details,
    author_name: event.authorName,
    author_class: authorClass(event.authorKind),
    target_id: event.targetId,
    target_type: event.targetType,
    target_details: event.targetDetails,
    ip_address: event.ipAddress,
    entity_path: event.entityPath,
    custom_message: event.eventName.replace(/_/g, ' '),
  };
  return {
    id: event.id,
    author_id: event.authorId ?? -1,
    entity_id: event.entityId,
    entity_type: event.entityType,
    event_name: event.eventName,
    event_type: event.eventName,
    details,
    author_name: event.authorName,
    author_kind: event.authorKind,
    ip_address: event.ipAddress,
    entity_path: event.entityPath,
    target_id: event.targetId,
    target_type: event.targetType,
    target_details: event.targetDetails,
    created_at: event.createdAt,
  };
}

function authorClass(kind: string): string {
  switch (kind) {
    case 'user':
      return 'User';
    case 'deploy_token':
      return 'DeployToken';
    case 'job':
      return 'Ci::Build';
    default:
      return 'Gitlab::Audit::UnauthenticatedAuthor';
  }
}
