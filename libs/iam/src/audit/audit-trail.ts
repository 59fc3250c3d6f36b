import { EntityManager } from 'typeorm';
import { Actor } from '../domain/actor';
import { AuditEntityType, AuditEventRepository, NewAuditEvent } from './audit-event.repository';

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
 * Where an audited change came from, as plain data: the client address the api resolved for the request
 * (through TRUST_PROXY), or null when there is no request (the CLI). The author is the change's actor.
 */
export interface ChangeOrigin {
  ipAddress: string | null;
}

/**
 * Appends audit rows through the caller's EntityManager. Services pass the transaction that makes the change,
 * so the change and the row describing it commit together or not at all: no crash between them can lose the row.
 */
export class AuditTrail {
  readonly events = new AuditEventRepository();

  /** Appends one event; with `aggregateKey`, counts it in that key's row instead (created by the first one). */
  async append(db: EntityManager, entry: AuditEntry, aggregateKey?: string): Promise<void> {
    const entityPath = entry.entity.path ?? (await this.events.entityPath(db, entry.entity.type, entry.entity.id));
    const event: NewAuditEvent = {
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
    if (aggregateKey) await this.events.insertOrCount(db, event, aggregateKey);
    else await this.events.insert(db, event);
  }
}

/** The author columns for an authenticated actor: users by id; deploy tokens and jobs by kind and name. */
export function authorOf(actor: Actor): AuditEntry['author'] {
  return { id: actor.kind === 'deploy_token' ? null : actor.userId, name: actor.username, kind: actor.kind };
}

/** `::ffff:127.0.0.1` (IPv4 on a dual-stack socket) is stored as `127.0.0.1`. */
export function normalizeAddress(address: string | null | undefined): string | null {
  if (!address) return null;
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

