import { AccessLevel } from './domain/access-level';
import { Actor } from './domain/actor';
import { IamError } from './domain/iam-error';
import { checkCreatedTokenExpiryInstant } from './domain/token-lifetime';
import { allIn, DEPLOY_TOKEN_SCOPES } from './domain/scopes';
import { digestToken, generateTokenSecret, TokenPrefix } from './domain/token-secret';
import { DeployTokenFilter, DeployTokenRecord } from './data/deploy-token.repository';
import { PageRequest, Paged } from './data/paging';
import { AccessService, requireAdmin, requireUser } from './access.service';
import { IamContext } from './iam-context';
import { SourceRef } from './member.service';
import { CreatedToken } from './personal-access-token.service';
import { tokenCreatorOf } from './token-creator';
import { AuditEntry, authorOf, ChangeOrigin } from './audit/audit-trail';

export interface NewDeployTokenInput {
  name: string;
  scopes: string[];
  expiresAt: Date | null;
  username?: string | null;
}

/** GitLab hands the deploy token with this name to CI jobs as CI_DEPLOY_USER / CI_DEPLOY_PASSWORD. */
export const GITLAB_DEPLOY_TOKEN_NAME = 'gitlab-deploy-token';

/** Letters, digits and `_ - . +`, like GitLab's default `gitlab+deploy-token-1`. */
const DEPLOY_USERNAME = /^[a-zA-Z0-9][a-zA-Z0-9_.+-]{0,254}$/;

/** Deploy tokens of projects and groups: machine credentials without a user, for the registry only. */
export class DeployTokenService {
  constructor(
    private readonly ctx: IamContext,
    private readonly access: AccessService,
  ) {}

  async create(actor: Actor | null, ref: SourceRef, input: NewDeployTokenInput, origin: ChangeOrigin): Promise<CreatedToken<DeployTokenRecord>> {
    const owner = await this.resolve(actor, ref);
    if (!input.name || input.name.trim().length === 0) throw IamError.invalid("can't be blank", 'name');
    if (!allIn(input.scopes, DEPLOY_TOKEN_SCOPES)) throw IamError.invalid('does not have a valid value', 'scopes');
    if (input.username != null && (!DEPLOY_USERNAME.test(input.username) || input.username === 'gitlab-ci-token')) {
      throw IamError.invalid('can contain only letters, digits, "_", "-", "+" and "."', 'username');
    }
    // A date already past is accepted, as GitLab does (its model only checks the format): the token is created
    // expired and never authenticates. GitLab's own docs' example (expires_at=2025-12-31) must keep working.
    checkCreatedTokenExpiryInstant(await tokenCreatorOf(this.ctx, requireUser(actor)), input.expiresAt);
    const secret = generateTokenSecret(TokenPrefix.DEPLOY);
    const digest = digestToken(secret);
    const record = await this.ctx.transaction(async (db) => {
      const inserted = await this.ctx.deployTokens.insert(db, {
        projectId: owner.projectId,
        groupId: owner.groupId,
        name: input.name,
        username: input.username ?? null,
        digest,
        scopes: input.scopes,
        expiresAt: input.expiresAt,
        sealedSecret: input.name === GITLAB_DEPLOY_TOKEN_NAME ? (this.ctx.deployTokenSecrets?.seal(secret, digest) ?? null) : null,
      });
      const facts = { scopes: inserted.scopes, expires_at: inserted.expiresAt, username: inserted.username };
      await this.ctx.audit.append(db, deployTokenEvent(requireUser(actor), origin, 'deploy_token_created', owner, inserted, facts));
      return inserted;
    });
    return { ...record, token: secret };
  }

  async list(actor: Actor | null, ref: SourceRef, filter: Pick<DeployTokenFilter, 'active'>, page: PageRequest): Promise<Paged<DeployTokenRecord>> {
    const owner = await this.resolve(actor, ref);
    return this.ctx.deployTokens.list(this.ctx.manager, { ...filter, ...ownerFilter(owner) }, page);
  }

  /** Every deploy token of the instance: administrators only. */
  async listAll(actor: Actor | null, filter: Pick<DeployTokenFilter, 'active'>, page: PageRequest): Promise<Paged<DeployTokenRecord>> {
    requireAdmin(actor);
    return this.ctx.deployTokens.list(this.ctx.manager, filter, page);
  }

  async get(actor: Actor | null, ref: SourceRef, tokenId: number): Promise<DeployTokenRecord> {
    return this.findOwned(await this.resolve(actor, ref), tokenId);
  }

  /**
   * GitLab's `DELETE .../deploy_tokens/:token_id`: the token is removed (gone from lists, 404 afterwards), not just
   * revoked. The `deploy_token_revoked` row (GitLab's event name), naming the token, is written in the delete's
   * transaction, so the token cannot go without its row nor the row appear for a token that stayed.
   */
  async remove(actor: Actor | null, ref: SourceRef, tokenId: number, origin: ChangeOrigin): Promise<void> {
    const owner = await this.resolve(actor, ref);
    const token = await this.findOwned(owner, tokenId);
    await this.ctx.transaction(async (db) => {
      const removed = await this.ctx.deployTokens.delete(db, token.id);
      // A concurrent DELETE of the same token got there first: it wrote the row, this one is a 404.
      if (!removed) throw IamError.notFound('Deploy Token');
      await this.ctx.audit.append(db, deployTokenEvent(requireUser(actor), origin, 'deploy_token_revoked', owner, removed, {}));
    });
  }

  private async findOwned(owner: TokenOwner, tokenId: number): Promise<DeployTokenRecord> {
    const token = await this.ctx.deployTokens.findById(this.ctx.manager, tokenId);
    if (!token || token.projectId !== owner.projectId || token.groupId !== owner.groupId) throw IamError.notFound('Deploy Token');
    return token;
  }

  private async resolve(actor: Actor | null, ref: SourceRef): Promise<TokenOwner> {
    requireUser(actor);
    if (ref.kind === 'project') {
      const { project } = await this.access.requireProject(actor, ref.ref, AccessLevel.MAINTAINER);
      return { projectId: project.id, groupId: null, fullPath: project.fullPath };
    }
    const { group } = await this.access.requireGroup(actor, ref.ref, AccessLevel.MAINTAINER);
    return { projectId: null, groupId: group.id, fullPath: group.fullPath };
  }
}

/** The project or group a deploy token belongs to (one of the ids is null). */
interface TokenOwner {
  projectId: number | null;
  groupId: number | null;
  fullPath: string;
}

/** A deploy token event, filed under the token's project or group. */
function deployTokenEvent(author: Actor, origin: ChangeOrigin, eventName: string, owner: TokenOwner, token: DeployTokenRecord, details: Record<string, unknown>): AuditEntry {
  return {
    author: authorOf(author),
    eventName,
    entity: owner.projectId !== null ? { type: 'Project', id: owner.projectId, path: owner.fullPath } : { type: 'Group', id: owner.groupId, path: owner.fullPath },
    target: { type: 'DeployToken', id: token.id, details: token.name },
    details,
    ipAddress: origin.ipAddress,
  };
}

function ownerFilter(owner: { projectId: number | null; groupId: number | null }): Pick<DeployTokenFilter, 'projectId' | 'groupId'> {
  return owner.projectId !== null ? { projectId: owner.projectId } : { groupId: owner.groupId! };
}
