import { Logger } from '@cargohold/common';
import {
  CleanupFinishedEvent,
  ManifestDeletedEvent,
  ManifestPushedEvent,
  RegistryEventActor,
  RegistryEventSink,
  RepositoryDeletedEvent,
  TagDeletedEvent,
} from '../events';
import { WebhookDispatcher } from './webhook-dispatcher';

/** An audit trail entry as the registry describes it; libs/iam's AuditLog accepts exactly this shape. */
export interface RegistryAuditEntry {
  author: { id: number | null; name: string | null; kind: string };
  eventName: string;
  entity: { type: 'Project'; id: number; path?: string };
  target: { type: string; id: string; details: string };
  details: Record<string, unknown>;
  ipAddress: string | null;
}

export interface RegistryAuditSink {
  record(entry: RegistryAuditEntry): Promise<void>;
}

/**
 * The registry event sink the api and the worker install: every event goes to the audit trail and to the
 * webhooks. Failures are logged, never thrown: the change they describe has already committed.
 */
export class RegistryEventRecorder implements RegistryEventSink {
  constructor(
    private readonly webhooks: WebhookDispatcher,
    private readonly audit: RegistryAuditSink,
    private readonly logger: Logger,
  ) {}

  async manifestPushed(event: ManifestPushedEvent): Promise<void> {
    const reference = event.tag ? `${event.repositoryPath}:${event.tag}` : `${event.repositoryPath}@${event.digest}`;
    await this.both('image_pushed', event, event.actor, reference, { tag: event.tag, digest: event.digest, media_type: event.mediaType, size: event.size }, () =>
      this.webhooks.dispatch(event.projectId, { name: 'image_pushed', event }),
    );
  }

  async tagDeleted(event: TagDeletedEvent): Promise<void> {
    await this.both('tag_deleted', event, event.actor, `${event.repositoryPath}:${event.tag}`, { tag: event.tag, digest: event.digest }, () =>
      this.webhooks.dispatch(event.projectId, { name: 'tag_deleted', event }),
    );
  }

  /** Audited as one manifest delete; receivers hear one `tag_deleted` per tag that went with it. */
  async manifestDeleted(event: ManifestDeletedEvent): Promise<void> {
    await this.both('manifest_deleted', event, event.actor, `${event.repositoryPath}@${event.digest}`, { digest: event.digest, tags: event.tags }, async () => {
      for (const tag of event.tags) await this.webhooks.dispatch(event.projectId, { name: 'tag_deleted', event: { ...event, tag, digest: event.digest } });
    });
  }

  async repositoryDeleted(event: RepositoryDeletedEvent): Promise<void> {
    await this.both('repository_deleted', event, event.actor, event.repositoryPath, {}, () =>
      this.webhooks.dispatch(event.projectId, { name: 'repository_deleted', event }),
    );
  }

  async cleanupFinished(event: CleanupFinishedEvent): Promise<void> {
    const details = { deleted_tags: event.deletedTags, repositories: event.repositories, status: event.status };
    await this.both('cleanup_finished', event, event.actor, `project ${event.projectId}`, details, () =>
      this.webhooks.dispatch(event.projectId, { name: 'cleanup_finished', event }),
    );
  }

  private async both(
    eventName: string,
    project: { projectId: number; projectPath?: string },
    actor: RegistryEventActor,
    target: string,
    details: Record<string, unknown>,
    dispatch: () => Promise<unknown>,
  ): Promise<void> {
    const { projectId, projectPath } = project;
    const results = await Promise.allSettled([
      this.audit.record({
        // author_id is a user id; deploy tokens and jobs are named, and their own ids kept in the details.
        author: { id: actor.kind === 'user' ? actor.id : null, name: actor.name, kind: actor.kind },
        eventName,
        entity: projectPath === undefined ? { type: 'Project', id: projectId } : { type: 'Project', id: projectId, path: projectPath },
        target: { type: 'ContainerRepository', id: target, details: target },
        details: actor.kind === 'user' || actor.id === null ? details : { ...details, [`${actor.kind}_id`]: actor.id },
        ipAddress: actor.ipAddress ?? null,
      }),
      dispatch(),
    ]);
    for (const result of results) {
      if (result.status === 'rejected') this.logger.error({ err: result.reason, event: eventName, projectId }, 'recording a registry event failed');
    }
  }
}
