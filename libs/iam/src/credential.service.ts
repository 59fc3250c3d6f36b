import { Actor } from './domain/actor';
import { verifyAgainstDummy, verifyPassword } from './domain/password-hash';
import { digestToken, looksLikeToken, tokenMatchesDigest } from './domain/token-secret';
import { CI_JOB_USERNAME } from './ci-job.service';
import { IamContext } from './iam-context';
import { PasswordCheckLimiter } from './password-check-limiter';

/**
 * Turns presented credentials into an Actor. Every failure (unknown, wrong, expired, revoked, blocked,
 * finished job) returns null, so callers cannot tell them apart and neither can an attacker.
 */
export class CredentialService {
  constructor(
    private readonly ctx: IamContext,
    /** One per process: password checks (scrypt) never take more than a few of libuv's threads. */
    private readonly passwordChecks = new PasswordCheckLimiter(),
  ) {}

  /**
   * HTTP Basic credentials, as `docker login` sends them to the token service: a password; any username with a
   * personal, project or group access token; a deploy token's username with its secret; `gitlab-ci-token`
   * with a running job's token. Tokens are looked up first (one indexed query each); a secret with a token
   * prefix that matched no token is refused without a password check, so token logins never run scrypt.
   * A password check may throw IamError TOO_MANY_REQUESTS when too many are running (PasswordCheckLimiter).
   */
  async authenticateBasic(username: string, secret: string): Promise<Actor | null> {
    if (!username || !secret) return null;
    if (username === CI_JOB_USERNAME) {
      const job = await this.jobActor(secret);
      if (job) return job;
    }
    const token = await this.accessTokenActor(secret);
    if (token) return token;
    const deploy = await this.deployTokenActor(username, secret);
    if (deploy) return deploy;
    if (looksLikeToken(secret)) return null;
    return this.passwordActor(username, secret);
  }

  /** A REST token (PRIVATE-TOKEN, Bearer or JOB-TOKEN): personal, project or group access token, or job token. */
  async authenticateToken(token: string): Promise<Actor | null> {
    if (!token) return null;
    return (await this.accessTokenActor(token)) ?? (await this.jobActor(token));
  }

  /** Only a job token (the JOB-TOKEN header). */
  async authenticateJobToken(token: string): Promise<Actor | null> {
    return token ? this.jobActor(token) : null;
  }

  private async accessTokenActor(secret: string): Promise<Actor | null> {
    const token = await this.ctx.personalAccessTokens.findByDigest(this.ctx.manager, digestToken(secret));
    if (!token || !tokenMatchesDigest(secret, token.tokenDigest)) return null;
    if (!token.active || token.userState !== 'active') return null;
    await this.ctx.personalAccessTokens.touch(this.ctx.manager, token.id);
    return {
      kind: 'user',
      userId: token.userId,
      username: token.username,
      isAdmin: token.isAdmin,
      scopes: token.scopes,
      isBot: token.bot,
      personalAccessTokenId: token.id,
    };
  }

  private async deployTokenActor(username: string, secret: string): Promise<Actor | null> {
    const token = await this.ctx.deployTokens.findByDigest(this.ctx.manager, digestToken(secret));
    if (!token || !tokenMatchesDigest(secret, token.tokenDigest)) return null;
    if (token.revoked || token.expired || token.username !== username) return null;
    return {
      kind: 'deploy_token',
      userId: null,
      username: token.username,
      isAdmin: false,
      scopes: token.scopes,
      deployToken: { id: token.id, projectId: token.projectId, groupId: token.groupId },
    };
  }

  private async jobActor(secret: string): Promise<Actor | null> {
    const job = await this.ctx.ciJobs.findByDigest(this.ctx.manager, digestToken(secret));
    if (!job || !tokenMatchesDigest(secret, job.tokenDigest) || !job.active) return null;
    const user = await this.ctx.users.findById(this.ctx.manager, job.userId);
    if (!user || user.state !== 'active') return null;
    return {
      kind: 'job',
      userId: user.id,
      username: user.username,
      // The job acts for its user only within its project scope; RegistryPermissionService applies the user's role there.
      isAdmin: false,
      scopes: ['read_registry', 'write_registry'],
      job: { id: job.id, projectId: job.projectId, userId: user.id },
    };
  }

  private async passwordActor(username: string, password: string): Promise<Actor | null> {
    const user = await this.ctx.users.findLogin(this.ctx.manager, username);
    const hash = user?.passwordHash ?? null;
    // Unknown names burn the same scrypt time as known ones (and so take a slot too): timing tells nothing.
    const valid = await this.passwordChecks.run(() => (hash === null ? verifyAgainstDummy(password) : verifyPassword(password, hash)));
    if (!user || hash === null) return null;
    if (!valid || user.state !== 'active' || user.bot) return null;
    return { kind: 'user', userId: user.id, username: user.username, isAdmin: user.isAdmin, scopes: null };
  }
}
