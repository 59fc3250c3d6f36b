import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { mergeMap, Observable } from 'rxjs';
import { Logger } from '@cargohold/common';
import { AuditEntry, AuditLog, authorOf, IamServices } from '@cargohold/iam';
import { LOGGER } from '@cargohold/platform';
import { AuthenticatedRequest } from '../rest/current-actor.decorator';
import { resourceRef } from '../rest/parse-id.pipe';
import { clientAddress } from '../rest/request-credentials';
import { AUDITED, AuditedRoute } from './audited.decorator';

type Body = Record<string, unknown> | undefined;

/**
 * Records @Audited routes after they succeed, before the response goes out (so a client that reads the trail
 * right after sees the event). Recording failures are logged, never turned into a failed request.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditLog,
    private readonly iam: IamServices,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const route = this.reflector.get<AuditedRoute | undefined>(AUDITED, context.getHandler());
    if (!route) return next.handle();
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    return next.handle().pipe(
      mergeMap(async (result: unknown) => {
        try {
          const entry = await this.entryFor(route, req, result as Body);
          if (entry) await this.audit.record(entry);
        } catch (error) {
          this.logger.error({ err: error, event: route.event }, 'recording an audit event failed');
        }
        return result;
      }),
    );
  }

  private async entryFor(route: AuditedRoute, req: AuthenticatedRequest, body: Body): Promise<AuditEntry | null> {
    const actor = req.actor;
    if (!actor) return null;
    const entity = await this.entity(req);
    if (!entity) return null;
    const target = await this.target(route, req, body, actor.personalAccessTokenId);
    return {
      author: authorOf(actor),
      eventName: route.event,
      entity,
      target,
      details: detailsOf(route, body),
      ipAddress: clientAddress(req),
    };
  }

  /** The project, group or user the route is about, from its path (`/projects/:id/...`, `/groups/:id/...`, `/users/:user_id/...`). */
  private async entity(req: AuthenticatedRequest): Promise<AuditEntry['entity'] | null> {
    const path = req.path.replace(/^\/api\/v4/, '');
    if (path.startsWith('/projects/')) {
      const project = await this.iam.access.findProject(resourceRef(req.params.id as string));
      return project ? { type: 'Project', id: project.id, path: project.fullPath } : null;
    }
    if (path.startsWith('/groups/')) {
      const group = await this.iam.access.findGroup(resourceRef(req.params.id as string));
      return group ? { type: 'Group', id: group.id, path: group.fullPath } : null;
    }
    if (path.startsWith('/users/')) return { type: 'User', id: Number(req.params.user_id) };
    // /personal_access_tokens/:id and /self: filed under the token's owner.
    const tokenId = req.params.id === undefined ? req.actor?.personalAccessTokenId : Number(req.params.id);
    const token = tokenId === undefined ? null : await this.audit.events.personalAccessToken(this.iam.ctx.manager, tokenId);
    return token ? { type: 'User', id: token.userId } : null;
  }

  private async target(route: AuditedRoute, req: AuthenticatedRequest, body: Body, selfTokenId?: number): Promise<AuditEntry['target']> {
    const param = (name: string) => (req.params[name] === undefined ? undefined : Number(req.params[name]));
    if (route.target === 'Member') {
      const userId = param('user_id') ?? (body?.id as number | undefined) ?? null;
      const username = (body?.username as string | undefined) ?? (await this.audit.events.entityPath(this.iam.ctx.manager, 'User', userId));
      return { type: 'User', id: userId, details: username };
    }
    const id = (body?.id as number | undefined) ?? param('token_id') ?? param('id') ?? selfTokenId ?? null;
    let name = body?.name as string | undefined;
    if (!name && id !== null) {
      name =
        route.target === 'DeployToken'
          ? ((await this.audit.events.deployTokenName(this.iam.ctx.manager, id)) ?? undefined)
          : (await this.audit.events.personalAccessToken(this.iam.ctx.manager, id))?.name;
    }
    return { type: route.target, id, details: name ?? null };
  }
}

/** Safe facts from the response only (never `token`). */
function detailsOf(route: AuditedRoute, body: Body): Record<string, unknown> {
  if (!body) return {};
  const keep = route.target === 'Member' ? ['access_level', 'expires_at'] : ['scopes', 'expires_at', 'access_level', 'username'];
  return Object.fromEntries(keep.filter((key) => body[key] !== undefined).map((key) => [key, body[key]]));
}
