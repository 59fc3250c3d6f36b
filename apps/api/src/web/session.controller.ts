import { Body, Controller, Delete, Get, HttpCode, Inject, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor, AuthFailureThrottle, CredentialService, IamError, IamServices } from '@cargohold/iam';
import { GitlabExceptionFilter } from '../rest/gitlab-exception.filter';
import { clientAddress, csrfHeader, sessionCookie } from '../rest/request-credentials';
import { RestValidationError } from '../rest/rest-errors';
import { REST_PREFIX } from '../rest/rest-controller.decorator';
import { WebSessionService } from './web-session.service';
import { SessionEntity } from './session.entity';

interface SignInBody {
  login?: unknown;
  password?: unknown;
  token?: unknown;
}

/**
 * `/api/v4/session`: the web UI's sign-in. POST takes `{login, password}` or `{token}` (a personal access token
 * with `api` or `read_api`) as JSON only (a cross-site form cannot send JSON without a CORS preflight), sets the
 * HttpOnly session cookie and returns the CSRF token the page must send as `X-CSRF-Token` on writes.
 */
@Controller(`${REST_PREFIX}/session`)
@UseFilters(GitlabExceptionFilter)
export class SessionController {
  constructor(
    private readonly sessions: WebSessionService,
    private readonly credentials: CredentialService,
    private readonly iam: IamServices,
    @Inject(AuthFailureThrottle) private readonly throttle: AuthFailureThrottle,
  ) {}

  @Post()
  @ApiOkResponse({ type: SessionEntity })
  async signIn(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Body() body: SignInBody) {
    if (!req.is('application/json')) throw IamError.unprocessable('sign-in takes a JSON body');
    const address = clientAddress(req);
    // The same throttle as every other authentication: repeat offenders wait before anything is checked.
    const actor = await this.throttle.attempt(address, () => this.authenticate(body));
    if (!actor) throw IamError.unauthorized();
    if (actor.scopes !== null && !actor.scopes.some((scope) => scope === 'api' || scope === 'read_api')) {
      throw IamError.forbidden('the token needs the api or read_api scope to sign in');
    }
    const session = await this.sessions.open(actor);
    res.setHeader('Set-Cookie', this.sessions.cookie(session.id));
    res.setHeader('Cache-Control', 'no-store');
    return this.present(actor, session.csrfToken, session.expiresAt);
  }

  /** Who the cookie belongs to, with its CSRF token (same-origin only: no CORS is ever granted). */
  @Get()
  @ApiOkResponse({ type: SessionEntity })
  async current(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const sessionId = sessionCookie(req);
    const actor = sessionId ? await this.sessions.actorFor(sessionId) : null;
    if (!sessionId || !actor) throw IamError.unauthorized();
    res.setHeader('Cache-Control', 'no-store');
    return this.present(actor, this.sessions.csrfTokenFor(sessionId));
  }

  /** Sign out: needs the CSRF header like every other cookie-authenticated write. */
  @Delete()
  @HttpCode(204)
  async signOut(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    const sessionId = sessionCookie(req);
    if (!sessionId) return;
    if (!this.sessions.csrfMatches(sessionId, csrfHeader(req))) throw IamError.forbidden('missing or invalid X-CSRF-Token');
    await this.sessions.close(sessionId);
    res.setHeader('Set-Cookie', this.sessions.clearedCookie());
  }

  private async authenticate(body: SignInBody): Promise<Actor | null> {
    const { login, password, token } = body ?? {};
    let actor: Actor | null;
    if (typeof token === 'string' && token) actor = await this.credentials.authenticateToken(token.trim());
    else if (typeof login === 'string' && typeof password === 'string' && login && password) actor = await this.credentials.authenticateBasic(login, password);
    else throw new RestValidationError('login and password, or token, are missing');
    // People sign in; deploy tokens, CI job tokens and bots (project and group access tokens) do not.
    if (!actor || actor.kind !== 'user' || actor.isBot) return null;
    return actor;
  }

  private async present(actor: Actor, csrfToken: string, expiresAt?: Date): Promise<SessionEntity> {
    const user = await this.iam.ctx.users.findById(this.iam.ctx.manager, actor.userId!);
    return {
      user: { id: actor.userId!, username: actor.username, name: user?.name ?? actor.username, is_admin: actor.isAdmin },
      scopes: actor.scopes,
      csrf_token: csrfToken,
      ...(expiresAt ? { expires_at: expiresAt.toISOString() } : {}),
    };
  }
}
