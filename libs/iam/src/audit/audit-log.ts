import { DataSource } from 'typeorm';
import { Actor } from '../domain/actor';
import { PageRequest, Paged } from '../data/paging';
import { AuditEntityType, AuditEventFilter, AuditEventRecord, AuditEventRepository } from './audit-event.repository';

/** One thing worth remembering: who did what to which entity, from where. Never a secret. */
export interface AuditEntry {
  author: { id: number | null; name: string | null; kind: string };
  eventName: string;
  entity: { type: AuditEntityType; id: number | null; path?: string | null };
  target?: { type: string; id: string | number | null; details?: string | null } | null;
  details?: Record<string, unknown>;
  ipAddress?: string | null;
}

/**
 * The audit trail (GitLab's audit events) in PostgreSQL: logins, registry pushes and deletes, tokens, members.
 * Framework-free: the api records through it and reads it back for the /audit_events endpoints.
 */
export class AuditLog {
  readonly events = new AuditEventRepository();

  constructor(
    private readonly db: DataSource,
    private readonly onError: (error: unknown, eventName: string) => void = () => undefined,
  ) {}

  async record(entry: AuditEntry): Promise<void> {
    const manager = this.db.manager;
    const entityPath = entry.entity.path ?? (await this.events.entityPath(manager, entry.entity.type, entry.entity.id));
    await this.events.insert(manager, {
      authorId: entry.author.id,
      authorName: entry.author.name,
      authorKind: entry.author.kind,
      entityType: entry.entity.type,
      entityId: entry.entity.id,
      entityPath,
      eventName: entry.eventName,
      targetType: entry.target?.type ?? null,
      targetId: entry.target?.id === null || entry.target?.id === undefined ? null : String(entry.target.id),
      targetDetails: entry.target?.details ?? null,
      details: entry.details ?? {},
      ipAddress: normalizeAddress(entry.ipAddress),
    });
  }

  /**
   * A /jwt/auth login. Success is filed under what authenticated (the user, or the project or group owning a
   * deploy token, or a CI job's project); a failure under the user the name belongs to, if any. The secret tried
   * is never passed in. Never throws: the trail must not decide whether a login works (failures go to onError).
   */
  async recordLogin(input: { username: string; actor: Actor | null; ipAddress: string | null; service: string }): Promise<void> {
    try {
      await this.login(input);
    } catch (error) {
      this.onError(error, input.actor ? 'login_succeeded' : 'login_failed');
    }
  }

  private async login(input: { username: string; actor: Actor | null; ipAddress: string | null; service: string }): Promise<void> {
    const { actor, username } = input;
    if (!actor) {
      const userId = await this.events.userIdByUsername(this.db.manager, username);
      await this.record({
        author: { id: null, name: username, kind: 'unauthenticated' },
        eventName: 'login_failed',
        entity: userId === null ? { type: 'Gitlab::Audit::InstanceScope', id: 1, path: 'gitlab_instance' } : { type: 'User', id: userId },
        target: { type: 'User', id: userId, details: username },
        details: { failed_login: 'STANDARD', username, service: input.service },
        ipAddress: input.ipAddress,
      });
      return;
    }
    await this.record({
      author: authorOf(actor),
      eventName: 'login_succeeded',
      entity: loginEntity(actor),
      target: { type: actor.kind === 'deploy_token' ? 'DeployToken' : 'User', id: actor.kind === 'deploy_token' ? (actor.deployToken?.id ?? null) : actor.userId, details: actor.username },
      details: { with: actor.kind === 'user' ? (actor.scopes === null ? 'password' : 'access_token') : actor.kind, service: input.service },
      ipAddress: input.ipAddress,
    });
  }

  list(filter: AuditEventFilter, page: PageRequest): Promise<Paged<AuditEventRecord>> {
    return this.events.list(this.db.manager, filter, page);
  }

  find(id: number, filter: AuditEventFilter): Promise<AuditEventRecord | null> {
    return this.events.find(this.db.manager, id, filter);
  }
}

/** The author columns for an authenticated actor: users by id; deploy tokens and jobs by kind and name. */
export function authorOf(actor: Actor): AuditEntry['author'] {
  return { id: actor.kind === 'deploy_token' ? null : actor.userId, name: actor.username, kind: actor.kind };
}

function loginEntity(actor: Actor): AuditEntry['entity'] {
  if (actor.kind === 'deploy_token') {
    const token = actor.deployToken;
    return token?.projectId ? { type: 'Project', id: token.projectId } : { type: 'Group', id: token?.groupId ?? null };
  }
  if (actor.kind === 'job' && actor.job) return { type: 'Project', id: actor.job.projectId };
  return { type: 'User', id: actor.userId };
}

/** `::ffff:127.0.0.1` (IPv4 on a dual-stack socket) is stored as `127.0.0.1`. */
export function normalizeAddress(address: string | null | undefined): string | null {
  if (!address) return null;
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
