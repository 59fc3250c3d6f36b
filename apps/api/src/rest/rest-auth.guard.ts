import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Actor, AuthFailureThrottle, CredentialService, IamError } from '@cargohold/iam';
import { AuthenticatedRequest } from './current-actor.decorator';
import { clientAddress, presentedToken } from './request-credentials';
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
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const targets = [context.getHandler(), context.getClass()];
    const presented = presentedToken(req);
    if (!presented) {
      if (!this.reflector.getAllAndOverride<boolean>(ALLOW_ANONYMOUS, targets)) throw IamError.unauthorized();
      req.actor = null;
      return true;
    }
    const actor = await this.authenticate(clientAddress(req), presented.kind, presented.token);
    if (actor.kind === 'job' && !this.reflector.getAllAndOverride<boolean>(ALLOW_JOB_TOKEN, targets)) throw IamError.unauthorized();
    if (actor.kind === 'user' && actor.scopes !== null) {
      const extra = this.reflector.getAllAndOverride<string[]>(EXTRA_SCOPES, targets) ?? [];
      checkScopes(actor.scopes, READ_METHODS.has(req.method), extra);
    }
    req.actor = actor;
    return true;
  }

  private async authenticate(address: string, kind: 'token' | 'job', token: string): Promise<Actor> {
    // Repeat offenders wait before their credentials are even looked at.
    await this.throttle.delay(address);
    const actor = kind === 'job' ? await this.credentials.authenticateJobToken(token) : await this.credentials.authenticateToken(token);
    if (!actor) {
      this.throttle.recordFailure(address);
      throw IamError.unauthorized();
    }
    this.throttle.recordSuccess(address);
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
