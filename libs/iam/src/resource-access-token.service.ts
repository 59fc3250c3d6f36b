import { AccessLevel, isMemberAccessLevel } from './domain/access-level';
import { Actor } from './domain/actor';
import { IamError } from './domain/iam-error';
import { checkCreatedTokenExpiry } from './domain/token-lifetime';
import { RESOURCE_TOKEN_SCOPES } from './domain/scopes';
import { digestToken, generateTokenSecret, TokenPrefix } from './domain/token-secret';
import { PageRequest, Paged } from './data/paging';
import { PersonalAccessTokenRecord } from './data/personal-access-token.repository';
import { AccessService, requireUser } from './access.service';
import { IamContext } from './iam-context';
import { SourceRef } from './member.service';
import { checkTokenInput, CreatedToken, NewTokenInput, rotateToken } from './personal-access-token.service';
import { UserService } from './user.service';
import { tokenCreatorOf } from './token-creator';
import { AuditEntry, authorOf, ChangeOrigin } from './audit/audit-trail';

export type ResourceAccessTokenRecord = PersonalAccessTokenRecord & { accessLevel: number };

/**
 * Project and group access tokens. As in GitLab, each token gets its own bot user, which is a member of the
 * project or group with the token's access level and owns a personal access token.
 */
export class ResourceAccessTokenService {
  constructor(
    private readonly ctx: IamContext,
    private readonly access: AccessService,
    private readonly users: UserService,
  ) {}

  async create(
    actor: Actor | null,
    ref: SourceRef,
    input: NewTokenInput & { accessLevel?: number },
    origin: ChangeOrigin,
  ): Promise<CreatedToken<ResourceAccessTokenRecord>> {
    const user = requireUser(actor);
    const resource = await this.resolve(actor, ref);
    checkTokenInput(input, RESOURCE_TOKEN_SCOPES);
    checkCreatedTokenExpiry(await tokenCreatorOf(this.ctx, user), input.expiresAt);
    const accessLevel = input.accessLevel ?? AccessLevel.MAINTAINER;
    if (!isMemberAccessLevel(accessLevel)) throw IamError.invalid('does not have a valid value', 'access_level');
    // Nobody creates a token more powerful than themselves.
    if (accessLevel > resource.level) throw IamError.forbidden(`${user.username} cannot create a token with a higher access level than their own`);
    const secret = generateTokenSecret(TokenPrefix.PERSONAL);
    const host = new URL(this.ctx.settings.publicUrl).hostname;
    const record = await this.ctx.transaction(async (db) => {
      const bot = await this.users.createBot(db, `${ref.kind}_${resource.id}`, input.name, host);
      const source = resource.sourceType === 'project' ? { type: 'project' as const, id: resource.id, namespaceId: resource.namespaceId! } : { type: 'group' as const, id: resource.id };
      await this.ctx.members.insert(db, source, { userId: bot.id, accessLevel, expiresAt: input.expiresAt, createdById: user.userId });
      const token = await this.ctx.personalAccessTokens.insert(db, {
        userId: bot.id,
        name: input.name,
        description: input.description ?? null,
        digest: digestToken(secret),
        scopes: input.scopes,
        expiresAt: input.expiresAt,
      });
      await this.ctx.audit.append(
        db,
        resourceTokenEvent(user, origin, 'resource_access_token_created', resource, token, { scopes: token.scopes, expires_at: token.expiresAt, access_level: accessLevel }),
      );
      return { ...token, accessLevel };
    });
    return { ...record, token: secret };
  }

  async list(actor: Actor | null, ref: SourceRef, page: PageRequest): Promise<Paged<ResourceAccessTokenRecord>> {
    const resource = await this.resolve(actor, ref);
    return this.ctx.personalAccessTokens.listForResource(this.ctx.manager, resource.sourceType, resource.id, page);
  }

  async get(actor: Actor | null, ref: SourceRef, tokenId: number): Promise<ResourceAccessTokenRecord> {
    const resource = await this.resolve(actor, ref);
    const token = await this.ctx.personalAccessTokens.findForResource(this.ctx.manager, resource.sourceType, resource.id, tokenId);
    if (!token) throw IamError.notFound('Access Token');
    return token;
  }

  async revoke(actor: Actor | null, ref: SourceRef, tokenId: number, origin: ChangeOrigin): Promise<void> {
    const resource = await this.resolve(actor, ref);
    const token = await this.ctx.personalAccessTokens.findForResource(this.ctx.manager, resource.sourceType, resource.id, tokenId);
    if (!token) throw IamError.notFound('Access Token');
    await this.ctx.transaction(async (db) => {
      await this.ctx.personalAccessTokens.revoke(db, token.id);
      await this.ctx.audit.append(db, resourceTokenEvent(requireUser(actor), origin, 'resource_access_token_revoked', resource, token, {}));
    });
  }

  /**
   * GitLab's `POST /projects|groups/:id/access_tokens/:token_id/rotate`: revokes the token and issues its successor
   * with the same scopes and access level; the bot's membership follows the new expiry so the successor keeps its
   * access. GitLab answers 401 for a missing token (404 to administrators), and 401 to a project or group access
   * token (those rotate themselves through `self/rotate`), 400 when asked for a token above the caller's level.
   */
  async rotate(actor: Actor | null, ref: SourceRef, tokenId: number, expiresAt: string | null, origin: ChangeOrigin): Promise<CreatedToken<ResourceAccessTokenRecord>> {
    const user = requireUser(actor);
    if (user.isBot) throw IamError.unauthorized();
    const resource = await this.resolve(actor, ref);
    const token = await this.ctx.personalAccessTokens.findForResource(this.ctx.manager, resource.sourceType, resource.id, tokenId);
    if (!token) throw user.isAdmin ? IamError.notFound('Access Token') : IamError.unauthorized();
    if (token.accessLevel > resource.level) throw IamError.invalid('Not eligible to rotate token with access level higher than the user');
    const source = resource.sourceType === 'project' ? { type: 'project' as const, id: resource.id, namespaceId: resource.namespaceId! } : { type: 'group' as const, id: resource.id };
    const rotatedEvent = (successor: PersonalAccessTokenRecord) =>
      resourceTokenEvent(user, origin, 'resource_access_token_rotated', resource, successor, {
        scopes: successor.scopes,
        expires_at: successor.expiresAt,
        access_level: token.accessLevel,
      });
    const rotated = await rotateToken(this.ctx, user, token, expiresAt, rotatedEvent, async (db, successor) => {
      await this.ctx.members.update(db, source, token.userId, { accessLevel: token.accessLevel, expiresAt: successor.expiresAt });
    });
    return { ...rotated, accessLevel: token.accessLevel };
  }

  /** Maintainers manage project access tokens; group access tokens take an Owner, as in GitLab. */
  private async resolve(actor: Actor | null, ref: SourceRef) {
    requireUser(actor);
    if (ref.kind === 'project') {
      const { project, level } = await this.access.requireProject(actor, ref.ref, AccessLevel.MAINTAINER);
      return { sourceType: 'project' as const, id: project.id, namespaceId: project.namespaceId as number | null, level, fullPath: project.fullPath };
    }
    const { group, level } = await this.access.requireGroup(actor, ref.ref, AccessLevel.OWNER);
    return { sourceType: 'namespace' as const, id: group.id, namespaceId: null, level, fullPath: group.fullPath };
  }
}

/** A project or group access token event, filed under the project or group (the target is the bot's token). */
function resourceTokenEvent(
  author: Actor,
  origin: ChangeOrigin,
  eventName: string,
  resource: { sourceType: 'project' | 'namespace'; id: number; fullPath: string },
  token: PersonalAccessTokenRecord,
  details: Record<string, unknown>,
): AuditEntry {
  return {
    author: authorOf(author),
    eventName,
    entity: { type: resource.sourceType === 'project' ? 'Project' : 'Group', id: resource.id, path: resource.fullPath },
    target: { type: 'PersonalAccessToken', id: token.id, details: token.name },
    details,
    ipAddress: origin.ipAddress,
  };
}
