import type { EntityManager } from 'typeorm';

/**
 * Registry events: what happened to images, told to whoever listens (webhooks, the audit trail) through a
 * transactional outbox. Every writer records its event INSIDE the transaction that makes the change (the audit
 * row and one delivery row per matching hook commit with it, or not at all), then, after the commit, hands what
 * it recorded to `publish`, which queues the deliveries. A crash or a Redis outage between the two loses
 * nothing: the worker's stranded-work requeuer queues delivery rows that no job carries.
 *
 * The registry services only know this interface; the api and the worker plug in an implementation
 * (the `events` listener of RegistryContext). Recording runs SQL in the caller's transaction (a failure rolls the change
 * back); `publish` never throws and never waits long. Receivers are never called inline.
 */

/** Who did it, as far as the registry knows. Never a secret. */
export interface RegistryEventActor {
  /** `system` for the worker's own runs (cleanup policies, GC). */
  kind: 'user' | 'deploy_token' | 'job' | 'anonymous' | 'system';
  /** User id, deploy token id or CI job id; null for anonymous and system. */
  id: number | null;
  /** Username, deploy token username, or null. */
  name: string | null;
  /** Source address of the request, for the audit trail only (never sent to webhook receivers). */
  ipAddress?: string | null;
}

export const SYSTEM_ACTOR: RegistryEventActor = { kind: 'system', id: null, name: null };

interface RepositoryEventBase {
  projectId: number;
  /** The project's full path, when the emitter has it at hand: spares the audit trail a lookup. */
  projectPath?: string;
  /** The image path, e.g. `group/project/image`. */
  repositoryPath: string;
  actor: RegistryEventActor;
  occurredAt: Date;
}

/** A manifest was stored, with or without a tag (an image push ends with this). */
export interface ManifestPushedEvent extends RepositoryEventBase {
  tag: string | null;
  digest: string;
  mediaType: string;
  /** Manifest plus every referenced descriptor, in bytes. */
  size: number;
}

/** One tag was removed (by tag DELETE, REST tag delete, bulk delete or a cleanup run). */
export interface TagDeletedEvent extends RepositoryEventBase {
  tag: string;
  /** The manifest the tag pointed to, when known. */
  digest: string | null;
  /** Set when the tag went with a manifest deleted by digest: how many tags went with it, and whether some are not reported one by one. */
  withManifest?: { tagsCount: number; tagsTruncated: boolean };
}

/**
 * At most this many tag names travel with a manifest deleted by digest (in the event, its audit row and its
 * webhook deliveries, one `tag_deleted` per name): a manifest may carry any number of tags, and one request must
 * not write an unbounded audit row or fan out unbounded deliveries. The count says how many there were.
 */
export const MANIFEST_DELETED_TAGS_LISTED = 100;

/** A manifest was deleted by digest, with every tag that pointed to it. */
export interface ManifestDeletedEvent extends RepositoryEventBase {
  digest: string;
  mediaType: string | null;
  /** The first MANIFEST_DELETED_TAGS_LISTED of those tags, by name (byte order). */
  tags: string[];
  /** How many tags went with the manifest: more than `tags.length` when the list was cut. */
  tagsCount: number;
}

export type RepositoryDeletedEvent = RepositoryEventBase;

/** A cleanup policy run over one project finished. */
export interface CleanupFinishedEvent {
  projectId: number;
  actor: RegistryEventActor;
  occurredAt: Date;
  /** Tags deleted by the run, and the repositories it went through. */
  deletedTags: number;
  repositories: number;
  /** Tags the policy chose that protection rules kept (a delete level set, or immutable). */
  protectedTagsSkipped: number;
  immutableTagsSkipped: number;
  status: 'finished' | 'failed' | 'unfinished';
}

/**
 * A push reached a storage limit: `warning` when it took a namespace's usage to 85 % of its limit or above (from
 * below), `exceeded` when it was refused because it would have gone over (nothing was stored).
 */
export interface StorageLimitEvent extends RepositoryEventBase {
  state: 'warning' | 'exceeded';
  /** The blob or manifest whose push crossed the mark or was refused. */
  digest: string;
  namespace: { kind: 'project' | 'group'; id: number; fullPath: string };
  limit: number;
  /** Usage before the push, in bytes. */
  used: number;
  /** What the push brings that the top-level namespace does not already store. */
  needed: number;
}

/** A protection rule was created, changed or removed (REST). */
export interface ProtectionRuleChangedEvent {
  projectId: number;
  actor: RegistryEventActor;
  occurredAt: Date;
  change: 'created' | 'updated' | 'deleted';
  rule: {
    kind: 'tag' | 'repository';
    id: number;
    pattern: string;
    minimumAccessLevelForPush: string | null;
    minimumAccessLevelForDelete: string | null;
  };
}

/** A push or delete a protection rule refused (recorded in its own short transaction, after the refused one rolled back). */
export interface ProtectionRefusedEvent extends RepositoryEventBase {
  action: 'push' | 'delete';
  reason: 'immutable' | 'protected';
  tag: string | null;
  /** The manifest pushed, or deleted by digest, when known. */
  digest: string | null;
  /** How it was asked: `/v2/`, the REST API, or a bulk delete (which kept the tags and deleted the rest). */
  via: 'registry' | 'api' | 'bulk_delete';
  message: string;
  /** For a bulk delete: what protection kept. */
  skipped?: { protected: number; immutable: number; tags: string[] };
}

/** What an event left in the outbox: the webhook delivery rows to queue once the transaction committed. */
export interface RecordedEvent {
  deliveryIds: number[];
}

export const NOTHING_RECORDED: RecordedEvent = { deliveryIds: [] };

export interface RegistryEventSink {
  /** Each `record` method runs in `db`, the transaction of the change it describes. */
  manifestPushed(db: EntityManager, event: ManifestPushedEvent): Promise<RecordedEvent>;
  tagDeleted(db: EntityManager, event: TagDeletedEvent): Promise<RecordedEvent>;
  manifestDeleted(db: EntityManager, event: ManifestDeletedEvent): Promise<RecordedEvent>;
  repositoryDeleted(db: EntityManager, event: RepositoryDeletedEvent): Promise<RecordedEvent>;
  cleanupFinished(db: EntityManager, event: CleanupFinishedEvent): Promise<RecordedEvent>;
  storageLimit(db: EntityManager, event: StorageLimitEvent): Promise<RecordedEvent>;
  protectionRuleChanged(db: EntityManager, event: ProtectionRuleChangedEvent): Promise<RecordedEvent>;
  protectionRefused(db: EntityManager, event: ProtectionRefusedEvent): Promise<RecordedEvent>;
  /** After the commit: queues the recorded deliveries. Never throws; with Redis down it gives up quickly. */
  publish(recorded: RecordedEvent): Promise<void>;
}

/** The default: nobody listens (tests of the registry services, the CLI). */
export const NO_REGISTRY_EVENTS: RegistryEventSink = {
  manifestPushed: async () => NOTHING_RECORDED,
  tagDeleted: async () => NOTHING_RECORDED,
  manifestDeleted: async () => NOTHING_RECORDED,
  repositoryDeleted: async () => NOTHING_RECORDED,
  cleanupFinished: async () => NOTHING_RECORDED,
  storageLimit: async () => NOTHING_RECORDED,
  protectionRuleChanged: async () => NOTHING_RECORDED,
  protectionRefused: async () => NOTHING_RECORDED,
  publish: async () => undefined,
};
