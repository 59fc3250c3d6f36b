import { DataSource } from 'typeorm';
import { Actor } from '../domain/actor';
import { PageRequest, Paged } from '../data/paging';
import { AuditEntityType, AuditEventFilter, AuditEventRecord, AuditEventRepository } from './audit-event.repository';
import { FailedLoginWindowOptions, FailedLoginWindows } from './failed-login-windows';

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
  private readonly failedLogins: FailedLoginWindows;

  constructor(
    private readonly db: DataSource,
    private readonly onError: (error: unknown, eventName: string) => void = () => undefined,
    failedLoginWindow: Partial<FailedLoginWindowOptions> = {},
  ) {
    this.failedLogins = new FailedLoginWindows(failedLoginWindow);
  }

  /** Appends one event; with `aggregateKey`, counts it in that key's row instead (created by the first one). */
  async record(entry: AuditEntry, aggregateKey?: string): Promise<void> {
    const manager = this.db.manager;
    const entityPath = entry.entity.path ?? (await this.events.entityPath(manager, entry.entity.type, entry.entity.id));
    const event = {
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
    };
    if (aggregateKey) await this.events.insertOrCount(manager, event, aggregateKey);
    else await this.events.insert(manager, event);
  }

  /**
   * A /jwt/auth login. Success is filed under what authenticated (the user, or the project or group owning a
   * deploy token, or a CI job's project); a failure under the user the name belongs to, if any. The secret tried
   * is never passed in. Never throws: the trail must not decide whether a login works (failures go to onError).
   * Failures are counted, not appended: one row per (address, name tried, minute) with `details.count`
   * (FailedLoginWindows), so a guessing flood cannot grow the table by a row per attempt.
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
      const ipAddress = normalizeAddress(input.ipAddress);
      const slot = this.failedLogins.slotFor(ipAddress, username);
      const window = { window_started_at: slot.windowStart.toISOString(), service: input.service };
      if (slot.overflow) {
        // Too many distinct rows this window: the rest are counted together, without names or addresses.
        await this.record(
          {
            author: { id: null, name: null, kind: 'unauthenticated' },
            eventName: 'login_failed',
            entity: { type: 'Gitlab::Audit::InstanceScope', id: 1, path: 'gitlab_instance' },
            details: { failed_login: 'STANDARD', aggregated: 'overflow', ...window },
          },
          slot.key,
        );
        return;
      }
      const userId = await this.events.userIdByUsername(this.db.manager, username);
      await this.record(
        {
          author: { id: null, name: username, kind: 'unauthenticated' },
          eventName: 'login_failed',
          entity: userId === null ? { type: 'Gitlab::Audit::InstanceScope', id: 1, path: 'gitlab_instance' } : { type: 'User', id: userId },
          target: { type: 'User', id: userId, details: username },
          details: { failed_login: 'STANDARD', username, ...window },
          ipAddress,
        },
        slot.key,
      );
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
