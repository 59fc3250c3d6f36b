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
   * with a running job's token. A secret with one of our token prefixes is only looked up as a token (one indexed
   * query each), never tried as a password, so token logins never run scrypt nor wait for a password slot.
   * Anything else is a password check, run under PasswordCheckLimiter: it throws IamError TOO_MANY_REQUESTS
   * when too many are running or waiting.
   */
  async authenticateBasic(username: string, secret: string): Promise<Actor | null> {
    if (!username || !secret) return null;
    if (username === CI_JOB_USERNAME) {
      const job = await this.jobActor(secret);
      if (job) return job;
    }
    if (looksLikeToken(secret)) return (await this.accessTokenActor(secret)) ?? (await this.deployTokenActor(username, secret));
    // A password (or a token without our prefixes, such as an operator's BOOTSTRAP_ADMIN_TOKEN): the whole check,
    // lookups included, runs in one of the few password slots, so a flood is refused before it costs a query.
    return this.passwordChecks.run(
      async () => (await this.accessTokenActor(secret)) ?? (await this.deployTokenActor(username, secret)) ?? (await this.passwordActor(username, secret)),
    );
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
    // last_used_at moves at most once a minute (touch re-checks in SQL): a token seen using it within the last 50 s
    // by this clock costs no write round trip at all (docker asks for a registry token on every push).
    if (!usedWithin(token.lastUsedAt, TOUCH_SKIP_MS)) await this.ctx.personalAccessTokens.touch(this.ctx.manager, token.id);
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
    // Unknown names burn the same scrypt time as known ones: timing tells nothing.
    const valid = hash === null ? await verifyAgainstDummy(password) : await verifyPassword(password, hash);
    if (!user || hash === null) return null;
    if (!valid || user.state !== 'active' || user.bot) return null;
    return { kind: 'user', userId: user.id, username: user.username, isAdmin: user.isAdmin, scopes: null };
  }
}

/** Less than touch's one minute, so clocks a few seconds apart never leave last_used_at more than a minute stale. */
const TOUCH_SKIP_MS = 50_000;

function usedWithin(lastUsedAt: Date | null, ms: number): boolean {
  return lastUsedAt !== null && Date.now() - lastUsedAt.getTime() < ms;
}
