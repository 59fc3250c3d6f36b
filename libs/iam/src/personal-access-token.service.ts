import { EntityManager } from 'typeorm';
import { Actor } from './domain/actor';
import { checkExpiryDate, todayUtc } from './domain/dates';
import { checkCreatedTokenExpiry, rotatedTokenExpiry } from './domain/token-lifetime';
import { IamError } from './domain/iam-error';
import { TOKEN_SCOPES, allIn } from './domain/scopes';
import { digestToken, generateTokenSecret, TokenPrefix } from './domain/token-secret';
import { PageRequest, Paged } from './data/paging';
import { PersonalAccessTokenRecord, TokenFilter } from './data/personal-access-token.repository';
import { requireAdmin, requireUser } from './access.service';
import { IamContext } from './iam-context';
import { tokenCreatorOf } from './token-creator';
import { AuditEntry, authorOf, ChangeOrigin } from './audit/audit-trail';

export interface NewTokenInput {
  name: string;
  scopes: string[];
  /** YYYY-MM-DD; null: never expires. */
  expiresAt: string | null;
  description?: string | null;
}

/** A freshly created token: the only moment its secret is known. */
export type CreatedToken<T> = T & { token: string };

export function checkTokenInput(input: NewTokenInput, allowedScopes: readonly string[]): void {
  if (!input.name || input.name.trim().length === 0) throw IamError.invalid("can't be blank", 'name');
  if (!allIn(input.scopes, allowedScopes)) throw IamError.invalid('does not have a valid value', 'scopes');
  checkExpiryDate(input.expiresAt);
}

/** Personal access tokens: created by administrators (or the CLI), listed and revoked by their owners. */
export class PersonalAccessTokenService {
  constructor(private readonly ctx: IamContext) {}

  async createForUser(actor: Actor | null, userId: number, input: NewTokenInput, origin: ChangeOrigin): Promise<CreatedToken<PersonalAccessTokenRecord>> {
    const admin = requireAdmin(actor);
    checkTokenInput(input, TOKEN_SCOPES);
    checkCreatedTokenExpiry(await tokenCreatorOf(this.ctx, admin), input.expiresAt);
    const user = await this.ctx.users.findById(this.ctx.manager, userId);
    if (!user || user.bot) throw IamError.notFound('User');
    const token = generateTokenSecret(TokenPrefix.PERSONAL);
    return { ...(await this.issueAudited(admin, origin, userId, input, token)), token };
  }

  /**
   * A user's own token, created from the web UI after a password sign-in (GitLab's User Settings > Access tokens).
   * Tokens cannot mint tokens (a leaked one would otherwise renew itself forever), nor can a UI session that was
   * opened with a token: only someone who knows the password.
   */
  async createForSelf(actor: Actor | null, input: NewTokenInput, origin: ChangeOrigin): Promise<CreatedToken<PersonalAccessTokenRecord>> {
    const user = requireUser(actor);
    if (!user.viaWebSession || user.scopes !== null || user.isBot || user.kind !== 'user') {
      throw IamError.forbidden('personal access tokens are created from the web UI after signing in with a password');
    }
    checkTokenInput(input, TOKEN_SCOPES);
    const token = generateTokenSecret(TokenPrefix.PERSONAL);
    return { ...(await this.issueAudited(user, origin, user.userId, input, token)), token };
  }

  /** Stores a token and its `personal_access_token_created` audit row in one transaction. */
  private issueAudited(author: Actor, origin: ChangeOrigin, userId: number, input: NewTokenInput, secret: string): Promise<PersonalAccessTokenRecord> {
    return this.ctx.transaction(async (db) => {
      const record = await this.issue(db, userId, input, secret);
      await this.ctx.audit.append(db, tokenEvent(author, origin, 'personal_access_token_created', record, { scopes: record.scopes, expires_at: record.expiresAt }));
      return record;
    });
  }

  /** Stores a token for the user. `secret` is generated unless given (the bootstrap token has a fixed value). */
  async issue(db: EntityManager, userId: number, input: NewTokenInput, secret: string): Promise<PersonalAccessTokenRecord> {
    checkTokenInput(input, TOKEN_SCOPES);
    return this.ctx.personalAccessTokens.insert(db, {
      userId,
      name: input.name,
      description: input.description ?? null,
      digest: digestToken(secret),
      scopes: input.scopes,
      expiresAt: input.expiresAt,
    });
  }

  /** Administrators see everyone's tokens; others only their own. */
  async list(actor: Actor | null, filter: TokenFilter, page: PageRequest): Promise<Paged<PersonalAccessTokenRecord>> {
    const user = requireUser(actor);
    const scoped = user.isAdmin ? filter : { ...filter, userId: user.userId };
    return this.ctx.personalAccessTokens.list(this.ctx.manager, scoped, page);
  }

  async get(actor: Actor | null, id: number): Promise<PersonalAccessTokenRecord> {
    const user = requireUser(actor);
    const token = await this.ctx.personalAccessTokens.findById(this.ctx.manager, id);
    // Someone else's token is reported as missing, not forbidden: ids must not reveal anything.
    if (!token || (!user.isAdmin && token.userId !== user.userId)) throw IamError.notFound('Personal Access Token');
    return token;
  }

  async self(actor: Actor | null): Promise<PersonalAccessTokenRecord> {
    const user = requireUser(actor);
    if (user.personalAccessTokenId === undefined) throw IamError.notFound('Personal Access Token');
    return this.get(user, user.personalAccessTokenId);
  }

  async revoke(actor: Actor | null, id: number, origin: ChangeOrigin): Promise<void> {
    const token = await this.get(actor, id);
    await this.revokeAudited(requireUser(actor), origin, token);
  }

  async revokeSelf(actor: Actor | null, origin: ChangeOrigin): Promise<void> {
    const token = await this.self(actor);
    await this.revokeAudited(requireUser(actor), origin, token);
  }

  /** Revokes a token and writes its `personal_access_token_revoked` audit row in one transaction. */
  private revokeAudited(author: Actor, origin: ChangeOrigin, token: PersonalAccessTokenRecord): Promise<void> {
    return this.ctx.transaction(async (db) => {
      await this.ctx.personalAccessTokens.revoke(db, token.id);
      await this.ctx.audit.append(db, tokenEvent(author, origin, 'personal_access_token_revoked', token, {}));
    });
  }

  /**
   * GitLab's `POST /personal_access_tokens/:id/rotate`: owners rotate their tokens, administrators anyone's.
   * GitLab answers 401 to a non-administrator for a missing or foreign token, 404 to an administrator.
   */
  async rotate(actor: Actor | null, id: number, expiresAt: string | null, origin: ChangeOrigin): Promise<CreatedToken<PersonalAccessTokenRecord>> {
    const user = requireUser(actor);
    const token = await this.ctx.personalAccessTokens.findById(this.ctx.manager, id);
    if (!token || (!user.isAdmin && token.userId !== user.userId)) {
      throw user.isAdmin ? IamError.notFound('Personal Access Token') : IamError.unauthorized();
    }
    return rotateToken(this.ctx, user, token, expiresAt, rotatedEvent(user, origin));
  }

  /** `POST /personal_access_tokens/self/rotate`: the token the request authenticated with (405 for anything else). */
  async rotateSelf(actor: Actor | null, expiresAt: string | null, origin: ChangeOrigin): Promise<CreatedToken<PersonalAccessTokenRecord>> {
    const user = requireUser(actor);
    if (user.kind !== 'user' || user.personalAccessTokenId === undefined) throw IamError.methodNotAllowed();
    const token = await this.ctx.personalAccessTokens.findById(this.ctx.manager, user.personalAccessTokenId);
    if (!token) throw IamError.unauthorized();
    return rotateToken(this.ctx, user, token, expiresAt, rotatedEvent(user, origin));
  }
}

/**
 * Revokes `token` and issues its successor (same owner, name, description and scopes) in one transaction, so a
 * concurrent rotation of the same token yields one successor. The rotation's audit row (`auditEntry`, about the
 * successor) is appended in that transaction too. The new expiry follows rotatedTokenExpiry: a token performing
 * the rotation (itself included) bounds it by its own expiry.
 */
export async function rotateToken(
  ctx: IamContext,
  actor: Actor,
  token: PersonalAccessTokenRecord,
  requestedExpiry: string | null,
  auditEntry: (successor: PersonalAccessTokenRecord) => AuditEntry,
  /** Further writes that belong to the rotation (a bot's membership expiry), in the same transaction. */
  alongside?: (db: EntityManager, successor: PersonalAccessTokenRecord) => Promise<void>,
): Promise<CreatedToken<PersonalAccessTokenRecord>> {
  if (token.revoked) throw IamError.invalid('token already revoked');
  const expiresAt = rotatedTokenExpiry(await tokenCreatorOf(ctx, actor), requestedExpiry, todayUtc());
  const secret = generateTokenSecret(TokenPrefix.PERSONAL);
  const record = await ctx.transaction(async (db) => {
    if (!(await ctx.personalAccessTokens.revoke(db, token.id))) throw IamError.invalid('token already revoked');
    const successor = await ctx.personalAccessTokens.insert(db, {
      userId: token.userId,
      name: token.name,
      description: token.description,
      digest: digestToken(secret),
      scopes: token.scopes,
      expiresAt,
    });
    await alongside?.(db, successor);
    await ctx.audit.append(db, auditEntry(successor));
    return successor;
  });
  return { ...record, token: secret };
}

/** `personal_access_token_rotated`: filed under the owner, the target is the new token (as the interceptor did). */
function rotatedEvent(author: Actor, origin: ChangeOrigin): (successor: PersonalAccessTokenRecord) => AuditEntry {
  return (successor) => tokenEvent(author, origin, 'personal_access_token_rotated', successor, { scopes: successor.scopes, expires_at: successor.expiresAt });
}

/** A personal access token event, filed under the token's owner. */
function tokenEvent(author: Actor, origin: ChangeOrigin, eventName: string, token: PersonalAccessTokenRecord, details: Record<string, unknown>): AuditEntry {
  return {
    author: authorOf(author),
    eventName,
    entity: { type: 'User', id: token.userId },
    target: { type: 'PersonalAccessToken', id: token.id, details: token.name },
    details,
    ipAddress: origin.ipAddress,
  };
}
