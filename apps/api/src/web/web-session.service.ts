import { Inject, Injectable } from '@nestjs/common';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppConfig } from '@cargohold/config';
import { Actor } from '@cargohold/iam';
import { APP_CONFIG } from '@cargohold/platform';
import { WebSessionRepository } from './web-session.repository';

export const SESSION_COOKIE = 'cargohold_session';
/** Absolute lifetime of a browser session. */
export const SESSION_TTL_SECONDS = 12 * 60 * 60;

export interface OpenedSession {
  id: string;
  csrfToken: string;
  expiresAt: Date;
}

/**
 * Server-side browser sessions (PostgreSQL). The cookie holds a random 256-bit id; the table holds its digest.
 * The CSRF token is derived from the id (HMAC), so it needs no storage, cannot be computed without the
 * HttpOnly cookie, and is handed to the page only in same-origin responses (sign-in and GET /session).
 */
@Injectable()
export class WebSessionService {
  private readonly repository = new WebSessionRepository();

  constructor(
    private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Opens a session for an authenticated user actor (password: all scopes; token: that token's scopes). */
  async open(actor: Actor): Promise<OpenedSession> {
    if (actor.kind !== 'user' || actor.userId === null) throw new Error('only users open web sessions');
    const id = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + SESSION_TTL_SECONDS * 1000);
    await this.repository.deleteExpired(this.db.manager);
    await this.repository.insert(this.db.manager, {
      idDigest: digest(id),
      userId: actor.userId,
      personalAccessTokenId: actor.scopes === null ? null : (actor.personalAccessTokenId ?? null),
      scopes: actor.scopes,
      expiresAt,
    });
    return { id, csrfToken: csrfTokenFor(id), expiresAt };
  }

  /** The actor of a live session, or null (unknown, expired, user blocked, token revoked). */
  async actorFor(sessionId: string): Promise<Actor | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(sessionId)) return null;
    const session = await this.repository.findLive(this.db.manager, digest(sessionId));
    if (!session) return null;
    return {
      kind: 'user',
      userId: session.userId,
      username: session.username,
      isAdmin: session.isAdmin,
      scopes: session.scopes,
      ...(session.personalAccessTokenId !== null ? { personalAccessTokenId: session.personalAccessTokenId } : {}),
      viaWebSession: true,
    };
  }

  async close(sessionId: string): Promise<void> {
    await this.repository.delete(this.db.manager, digest(sessionId));
  }

  /** Constant-time check of the X-CSRF-Token header against the session's token. */
  csrfMatches(sessionId: string, presented: string | undefined): boolean {
    if (!presented) return false;
    const expected = Buffer.from(csrfTokenFor(sessionId));
    const actual = Buffer.from(presented);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }

  csrfTokenFor(sessionId: string): string {
    return csrfTokenFor(sessionId);
  }

  /** The Set-Cookie value: HttpOnly, SameSite=Strict, Path=/, Secure when PUBLIC_URL is https. */
  cookie(sessionId: string, maxAgeSeconds = SESSION_TTL_SECONDS): string {
    const secure = this.config.publicUrl.startsWith('https:') ? '; Secure' : '';
    return `${SESSION_COOKIE}=${sessionId}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${secure}`;
  }

  clearedCookie(): string {
    return this.cookie('', 0);
  }
}

function digest(sessionId: string): Buffer {
  return createHash('sha256').update(sessionId, 'utf8').digest();
}

function csrfTokenFor(sessionId: string): string {
  return createHmac('sha256', sessionId).update('cargohold-csrf').digest('base64url');
}
