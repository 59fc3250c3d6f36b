import {
  CleanupFinishedEvent,
  ManifestPushedEvent,
  ProtectionRefusedEvent,
  ProtectionRuleChangedEvent,
  RegistryEventActor,
  TagDeletedEvent,
  RepositoryDeletedEvent,
  StorageLimitEvent,
} from '../events';

/** Event names as receivers see them (`event_name`); `object_kind` is always `registry`. */
export type RegistryHookEvent =
  | 'image_pushed'
  | 'tag_deleted'
  | 'repository_deleted'
  | 'cleanup_finished'
  | 'storage_limit_warning'
  | 'storage_limit_exceeded'
  | ProtectionRuleHookEvent
  | 'protected_push_refused'
  | 'protected_delete_refused'
  | 'test';

export type ProtectionRuleHookEvent = 'protection_rule_created' | 'protection_rule_updated' | 'protection_rule_deleted';

export const REGISTRY_HOOK_HEADER = 'Registry Hook';

export interface RegistryHookPayload {
  object_kind: 'registry';
  event_name: RegistryHookEvent;
  occurred_at: string;
  project: { id: number; path_with_namespace: string; web_url: string };
  repository: { path: string; location: string } | null;
  tag: string | null;
  digest: string | null;
  media_type: string | null;
  size: number | null;
  /** Who did it: kind (user, deploy_token, job, anonymous, system), id and name. Never a secret, never an address. */
  actor: { kind: RegistryEventActor['kind']; id: number | null; name: string | null };
  /** `docker pull <registry host>/<path>:<tag>` (or `@<digest>`), null when nothing is left to pull. */
  pull_command: string | null;
  cleanup?: { deleted_tags: number; repositories: number; status: string; protected_tags_skipped: number; immutable_tags_skipped: number };
  /**
   * On a `tag_deleted` whose tag went with a manifest deleted by digest: how many tags went with it, and whether
   * some of them get no `tag_deleted` of their own (only the first MANIFEST_DELETED_TAGS_LISTED by name do).
   */
  manifest_delete?: { tags_count: number; tags_truncated: boolean };
  /** On `storage_limit_warning` and `storage_limit_exceeded`: the limited namespace and the figures, in bytes. */
  storage_limit?: { namespace_kind: 'project' | 'group'; namespace_path: string; limit: number; used: number; needed: number };
  /** On `protection_rule_*`: the rule, in the REST API's field names. */
  protection_rule?: {
    kind: 'tag' | 'repository';
    id: number;
    pattern: string;
    minimum_access_level_for_push: string | null;
    minimum_access_level_for_delete: string | null;
  };
  /** On `protected_push_refused` and `protected_delete_refused`: why, in the words the caller got. */
  protection_refusal?: {
    reason: 'immutable' | 'protected';
    via: 'registry' | 'api' | 'bulk_delete';
    message: string;
    /** On a bulk delete: what protection kept. */
    protected_tags_skipped?: number;
    immutable_tags_skipped?: number;
    tags?: string[];
  };
}

export type RegistryPayloadEvent =
  | { name: 'image_pushed'; event: ManifestPushedEvent }
  | { name: 'tag_deleted'; event: TagDeletedEvent }
  | { name: 'repository_deleted'; event: RepositoryDeletedEvent }
  | { name: 'cleanup_finished'; event: CleanupFinishedEvent }
  | { name: 'storage_limit_warning' | 'storage_limit_exceeded'; event: StorageLimitEvent }
  | { name: ProtectionRuleHookEvent; event: ProtectionRuleChangedEvent }
  | { name: 'protected_push_refused' | 'protected_delete_refused'; event: ProtectionRefusedEvent }
  | { name: 'test'; event: ManifestPushedEvent };

/** Builds the JSON body receivers get. `publicUrl` is PUBLIC_URL: its host is the registry host in pull commands. */
export function buildRegistryPayload(input: RegistryPayloadEvent, project: { id: number; fullPath: string }, publicUrl: string): RegistryHookPayload {
  return { ...buildEventPayload(input, publicUrl), project: projectPayload(project, publicUrl) };
}

/** The `project` member. EventOutboxRepository writes the same object in SQL, from the project row it reads. */
export function projectPayload(project: { id: number; fullPath: string }, publicUrl: string): RegistryHookPayload['project'] {
  return { id: project.id, path_with_namespace: project.fullPath, web_url: `${publicUrl}/${project.fullPath}` };
}

/** Everything but the project, which the outbox fills in inside the transaction that records the event. */
export function buildEventPayload(input: RegistryPayloadEvent, publicUrl: string): Omit<RegistryHookPayload, 'project'> {
  const registryHost = new URL(publicUrl).host;
  const { event } = input;
  const repositoryPath = 'repositoryPath' in event ? event.repositoryPath : null;
  const tag = 'tag' in event ? event.tag : null;
  const digest = 'digest' in event ? event.digest : null;
  const pullable = input.name === 'image_pushed' || input.name === 'test';
  const reference = tag ? `:${tag}` : digest ? `@${digest}` : '';
  const payload: Omit<RegistryHookPayload, 'project'> = {
    object_kind: 'registry',
    event_name: input.name,
    occurred_at: event.occurredAt.toISOString(),
    repository: repositoryPath ? { path: repositoryPath, location: `${registryHost}/${repositoryPath}` } : null,
    tag,
    digest,
    media_type: 'mediaType' in event ? event.mediaType : null,
    size: 'size' in event ? event.size : null,
    actor: { kind: event.actor.kind, id: event.actor.id, name: event.actor.name },
    pull_command: pullable && repositoryPath && reference ? `docker pull ${registryHost}/${repositoryPath}${reference}` : null,
  };
  if (input.name === 'cleanup_finished') {
    const { deletedTags, repositories, status, protectedTagsSkipped, immutableTagsSkipped } = input.event;
    payload.cleanup = {
      deleted_tags: deletedTags,
      repositories,
      status,
      protected_tags_skipped: protectedTagsSkipped,
      immutable_tags_skipped: immutableTagsSkipped,
    };
  }
  if (input.name === 'storage_limit_warning' || input.name === 'storage_limit_exceeded') {
    const { namespace, limit, used, needed } = input.event;
    payload.storage_limit = { namespace_kind: namespace.kind, namespace_path: namespace.fullPath, limit, used, needed };
  }
  if (input.name === 'protection_rule_created' || input.name === 'protection_rule_updated' || input.name === 'protection_rule_deleted') {
    const { rule } = input.event;
    payload.protection_rule = {
      kind: rule.kind,
      id: rule.id,
      pattern: rule.pattern,
      minimum_access_level_for_push: rule.minimumAccessLevelForPush,
      minimum_access_level_for_delete: rule.minimumAccessLevelForDelete,
    };
  }
  if (input.name === 'protected_push_refused' || input.name === 'protected_delete_refused') {
    const { reason, via, message, skipped } = input.event;
    payload.protection_refusal = {
      reason,
      via,
      message,
      ...(skipped ? { protected_tags_skipped: skipped.protected, immutable_tags_skipped: skipped.immutable, tags: skipped.tags } : {}),
    };
  }
  if (input.name === 'tag_deleted' && input.event.withManifest) {
    payload.manifest_delete = { tags_count: input.event.withManifest.tagsCount, tags_truncated: input.event.withManifest.tagsTruncated };
  }
  return payload;
}
