import { EntityManager } from 'typeorm';
import {
  CleanupFinishedEvent,
  ManifestDeletedEvent,
  ManifestPushedEvent,
  ProtectionRefusedEvent,
  ProtectionRuleChangedEvent,
  RecordedEvent,
  RegistryEventActor,
  RegistryEventSink,
  RepositoryDeletedEvent,
  StorageLimitEvent,
  TagDeletedEvent,
} from '../events';
import { EventOutboxRepository, OutboxPayload } from './event-outbox.repository';
import { buildEventPayload, RegistryPayloadEvent } from './webhook-payload';
import { WebhookDispatcher } from './webhook-dispatcher';

/**
 * The registry event sink the api and the worker install: every event becomes one audit row and one webhook
 * delivery row per matching hook, written by one statement in the transaction of the change (the outbox), and
 * the deliveries are queued after the commit (WebhookDispatcher.deliver, which fails open).
 */
export class RegistryEventRecorder implements RegistryEventSink {
  private readonly outbox = new EventOutboxRepository();

  constructor(
    private readonly webhooks: WebhookDispatcher,
    private readonly publicUrl: string,
  ) {}

  manifestPushed(db: EntityManager, event: ManifestPushedEvent): Promise<RecordedEvent> {
    const reference = event.tag ? `${event.repositoryPath}:${event.tag}` : `${event.repositoryPath}@${event.digest}`;
    const details = { tag: event.tag, digest: event.digest, media_type: event.mediaType, size: event.size };
    return this.record(db, 'image_pushed', event, reference, details, [{ name: 'image_pushed', event }]);
  }

  tagDeleted(db: EntityManager, event: TagDeletedEvent): Promise<RecordedEvent> {
    return this.record(db, 'tag_deleted', event, `${event.repositoryPath}:${event.tag}`, { tag: event.tag, digest: event.digest }, [{ name: 'tag_deleted', event }]);
  }

  /**
   * Audited as one manifest delete; receivers hear one `tag_deleted` per tag listed in the event (at most
   * MANIFEST_DELETED_TAGS_LISTED), each saying how many tags went with the manifest and whether some are not listed.
   */
  manifestDeleted(db: EntityManager, event: ManifestDeletedEvent): Promise<RecordedEvent> {
    const tagsTruncated = event.tagsCount > event.tags.length;
    const withManifest = { tagsCount: event.tagsCount, tagsTruncated };
    // The rest of the event (media type included) goes into each payload; the tag list does not.
    const { tags, tagsCount, ...shared } = event;
    const payloads: RegistryPayloadEvent[] = tags.map((tag) => ({ name: 'tag_deleted', event: { ...shared, tag, withManifest } }));
    const details = { digest: event.digest, tags, tags_count: tagsCount, tags_truncated: tagsTruncated };
    return this.record(db, 'manifest_deleted', event, `${event.repositoryPath}@${event.digest}`, details, payloads);
  }

  repositoryDeleted(db: EntityManager, event: RepositoryDeletedEvent): Promise<RecordedEvent> {
    return this.record(db, 'repository_deleted', event, event.repositoryPath, {}, [{ name: 'repository_deleted', event }]);
  }

  cleanupFinished(db: EntityManager, event: CleanupFinishedEvent): Promise<RecordedEvent> {
    const details = {
      deleted_tags: event.deletedTags,
      repositories: event.repositories,
      status: event.status,
      protected_tags_skipped: event.protectedTagsSkipped,
      immutable_tags_skipped: event.immutableTagsSkipped,
    };
    return this.record(db, 'cleanup_finished', event, `project ${event.projectId}`, details, [{ name: 'cleanup_finished', event }]);
  }

  storageLimit(db: EntityManager, event: StorageLimitEvent): Promise<RecordedEvent> {
    const name = event.state === 'warning' ? 'storage_limit_warning' : 'storage_limit_exceeded';
    const details = {
      namespace_kind: event.namespace.kind,
      namespace_path: event.namespace.fullPath,
      limit: event.limit,
      used: event.used,
      needed: event.needed,
    };
    return this.record(db, name, event, event.repositoryPath, details, [{ name, event }]);
  }

  protectionRuleChanged(db: EntityManager, event: ProtectionRuleChangedEvent): Promise<RecordedEvent> {
    const name = `protection_rule_${event.change}` as const;
    const { rule } = event;
    const details = {
      rule_kind: rule.kind,
      rule_id: rule.id,
      pattern: rule.pattern,
      minimum_access_level_for_push: rule.minimumAccessLevelForPush,
      minimum_access_level_for_delete: rule.minimumAccessLevelForDelete,
    };
    return this.record(db, name, event, `${rule.kind} protection rule ${rule.pattern}`, details, [{ name, event }]);
  }

  protectionRefused(db: EntityManager, event: ProtectionRefusedEvent): Promise<RecordedEvent> {
    const name = event.action === 'push' ? 'protected_push_refused' : 'protected_delete_refused';
    const target = event.tag ? `${event.repositoryPath}:${event.tag}` : event.digest ? `${event.repositoryPath}@${event.digest}` : event.repositoryPath;
    const details = {
      tag: event.tag,
      digest: event.digest,
      reason: event.reason,
      via: event.via,
      message: event.message,
      ...(event.skipped ? { protected_tags_skipped: event.skipped.protected, immutable_tags_skipped: event.skipped.immutable, tags: event.skipped.tags } : {}),
    };
    return this.record(db, name, event, target, details, [{ name, event }]);
  }

  async publish(recorded: RecordedEvent): Promise<void> {
    await this.webhooks.deliver(recorded.deliveryIds);
  }

  private async record(
    db: EntityManager,
    eventName: string,
    event: { projectId: number; actor: RegistryEventActor },
    target: string,
    details: Record<string, unknown>,
    payloads: RegistryPayloadEvent[],
  ): Promise<RecordedEvent> {
    const { actor } = event;
    const deliveryIds = await this.outbox.record(
      db,
      event.projectId,
      this.publicUrl,
      {
        // author_id is a user id; deploy tokens and jobs are named, and their own ids kept in the details.
        authorId: actor.kind === 'user' ? actor.id : null,
        authorName: actor.name,
        authorKind: actor.kind,
        eventName,
        target,
        details: actor.kind === 'user' || actor.id === null ? details : { ...details, [`${actor.kind}_id`]: actor.id },
        ipAddress: normalizeAddress(actor.ipAddress),
      },
      payloads.map((input): OutboxPayload => ({ event: input.name, payload: buildEventPayload(input, this.publicUrl) })),
    );
    return { deliveryIds };
  }
}

/** `::ffff:127.0.0.1` (IPv4 on a dual-stack socket) is stored as `127.0.0.1`, as libs/iam's AuditLog does. */
function normalizeAddress(address: string | null | undefined): string | null {
  if (!address) return null;
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
