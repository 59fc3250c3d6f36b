import { CanActivate, ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Actor, AuthFailureThrottle, CredentialService, IamError } from '@cargohold/iam';
import { AuthenticatedRequest } from './current-actor.decorator';
import { WebSessionService } from '../web/web-session.service';
import { clientAddress, csrfHeader, presentedToken, sessionCookie } from './request-credentials';
import { InsufficientScopeError } from './rest-errors';
import { ALLOW_ANONYMOUS, ALLOW_JOB_TOKEN, EXTRA_SCOPES } from './route-access.decorator';

const READ_METHODS = new Set(['GET', 'HEAD']);

/**
 * Authentication and scope checks for every /api/v4 route; roles are checked by the services.
 * A token that is presented but not accepted always answers 401, even on routes open to anonymous callers.
 */
@Injectable()
export class RestAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly credentials: CredentialService,
    @Inject(AuthFailureThrottle) private readonly throttle: AuthFailureThrottle,
    @Optional() private readonly sessions?: WebSessionService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const targets = [context.getHandler(), context.getClass()];
    const presented = presentedToken(req);
    // The web UI's cookie counts only when no token header is presented, and writes need the CSRF header too.
    const session = presented ? null : sessionCookie(req);
    if (!presented && !session) {
      if (!this.reflector.getAllAndOverride<boolean>(ALLOW_ANONYMOUS, targets)) throw IamError.unauthorized();
      req.actor = null;
      return true;
    }
    const actor = presented
      ? await this.authenticate(clientAddress(req), presented.kind, presented.token)
      : await this.authenticateSession(session!, READ_METHODS.has(req.method) || req.method === 'OPTIONS', csrfHeader(req));
    if (actor.kind === 'job' && !this.reflector.getAllAndOverride<boolean>(ALLOW_JOB_TOKEN, targets)) throw IamError.unauthorized();
    if (actor.kind === 'user' && actor.scopes !== null) {
      const extra = this.reflector.getAllAndOverride<string[]>(EXTRA_SCOPES, targets) ?? [];
      checkScopes(actor.scopes, READ_METHODS.has(req.method), extra);
    }
    req.actor = actor;
    return true;
  }

  /** A session id from the cookie: unknown or expired is 401; a write without the matching X-CSRF-Token is 403. */
  private async authenticateSession(sessionId: string, isSafe: boolean, csrfToken: string | undefined): Promise<Actor> {
    const actor = this.sessions ? await this.sessions.actorFor(sessionId) : null;
    if (!actor) throw IamError.unauthorized();
    if (!isSafe && !this.sessions!.csrfMatches(sessionId, csrfToken)) throw IamError.forbidden('missing or invalid X-CSRF-Token');
    return actor;
  }

  private async authenticate(address: string, kind: 'token' | 'job', token: string): Promise<Actor> {
    // Repeat offenders wait before their credentials are even looked at (or are refused while one attempt runs).
    const actor = await this.throttle.attempt(address, () =>
      kind === 'job' ? this.credentials.authenticateJobToken(token) : this.credentials.authenticateToken(token),
    );
    if (!actor) throw IamError.unauthorized();
    return actor;
  }
}

/** `api` allows everything, `read_api` every read; `extra` are further scopes the route accepts. */
export function checkScopes(scopes: string[], isRead: boolean, extra: string[]): void {
  if (scopes.includes('api')) return;
  if (isRead && scopes.includes('read_api')) return;
  if (extra.some((scope) => scopes.includes(scope))) return;
  throw new InsufficientScopeError(isRead ? 'read_api' : 'api');
}
