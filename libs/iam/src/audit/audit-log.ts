import { DataSource } from 'typeorm';
import { Actor } from '../domain/actor';
import { PageRequest, Paged } from '../data/paging';
import { AuditEventFilter, AuditEventRecord } from './audit-event.repository';
import { AuditEntry, AuditTrail, authorOf, normalizeAddress } from './audit-trail';
import { FailedLoginWindowOptions, FailedLoginWindows } from './failed-login-windows';

/**
 * The audit trail (GitLab's audit events) in PostgreSQL: logins, registry pushes and deletes, tokens, members.
 * Framework-free: the api records through it and reads it back for the /audit_events endpoints.
 */
export class AuditLog {
  private readonly trail = new AuditTrail();
  private readonly failedLogins: FailedLoginWindows;

  constructor(
    private readonly db: DataSource,
    private readonly onError: (error: unknown, eventName: string) => void = () => undefined,
    failedLoginWindow: Partial<FailedLoginWindowOptions> = {},
  ) {
    this.failedLogins = new FailedLoginWindows(failedLoginWindow);
  }

  /**
   * Appends one event in its own statement; with `aggregateKey`, counts it in that key's row instead. For events
   * that are not part of a change (logins): a change records through AuditTrail in its own transaction.
   */
  record(entry: AuditEntry, aggregateKey?: string): Promise<void> {
    return this.trail.append(this.db.manager, entry, aggregateKey);
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
      const userId = await this.trail.events.userIdByUsername(this.db.manager, username);
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
    return this.trail.events.list(this.db.manager, filter, page);
  }

  find(id: number, filter: AuditEventFilter): Promise<AuditEventRecord | null> {
    return this.trail.events.find(this.db.manager, id, filter);
  }
}

function loginEntity(actor: Actor): AuditEntry['entity'] {
  if (actor.kind === 'deploy_token') {
    const token = actor.deployToken;
    return token?.projectId ? { type: 'Project', id: token.projectId } : { type: 'Group', id: token?.groupId ?? null };
  }
  if (actor.kind === 'job' && actor.job) return { type: 'Project', id: actor.job.projectId };
  // The username is the User entity's path: no lookup needed for the login's row.
  return { type: 'User', id: actor.userId, path: actor.username };
}
