import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { AuthChallenge } from './www-authenticate';
import { basicAuthorization, hasCredentials, UpstreamTarget } from './upstream-target';
import { UpstreamError } from './upstream-error';

/** What an upstream said about authentication the last time it challenged us for a repository. */
type Learnt = { scheme: 'basic' } | { scheme: 'bearer'; token: string };

/** Fetches a bearer token from a realm (the Docker token flow's second request); the client supplies the HTTP. */
export type TokenFetcher = (realm: string, query: URLSearchParams, authorization: string | undefined) => Promise<{ token: string; expiresInSeconds: number }>;

/** Token lifetime assumed when the token server names none (the Docker token spec's default). */
const DEFAULT_TOKEN_SECONDS = 60;
/** A token is dropped this long before it expires, so a request never starts with one about to lapse. */
const EXPIRY_MARGIN_MS = 5_000;

/**
 * The Authorization header to send to an upstream, per upstream and repository: what it asked for last time
 * (Basic, or a bearer token, cached for its `expires_in` lifetime), so that a cached token costs no extra round
 * trip. Bounded: the least recently used entries go first.
 */
export class UpstreamAuth {
  private readonly learnt: LRUCache<string, Learnt>;

  constructor(private readonly fetchToken: TokenFetcher, maxEntries = 10_000) {
    this.learnt = new LRUCache<string, Learnt>({ max: maxEntries, ttlAutopurge: false });
  }

  /** The header for a first attempt, from what was learnt; undefined: go anonymous and see what the upstream says. */
  authorization(target: UpstreamTarget, repository: string): string | undefined {
    const learnt = this.learnt.get(cacheKey(target, repository));
    if (!learnt) return undefined;
    return learnt.scheme === 'basic' ? basicAuthorization(target) : `Bearer ${learnt.token}`;
  }

  /**
   * Answers a 401's challenges: the header to retry with, or an `unauthorized` UpstreamError when none can be met
   * (Basic without credentials, no challenge we know, a token server refusing the credentials).
   */
  async answer(target: UpstreamTarget, repository: string, challenges: AuthChallenge[], previous: string | undefined): Promise<string> {
    const key = cacheKey(target, repository);
    this.learnt.delete(key);
    const bearer = challenges.find((challenge) => challenge.scheme === 'bearer' && challenge.params.realm);
    if (bearer) {
      const query = new URLSearchParams();
      if (bearer.params.service) query.set('service', bearer.params.service);
      query.set('scope', bearer.params.scope ?? `repository:${repository}:pull`);
      const credentials = hasCredentials(target) ? basicAuthorization(target) : undefined;
      const { token, expiresInSeconds } = await this.fetchToken(bearer.params.realm, query, credentials);
      const ttl = Math.max(1_000, expiresInSeconds * 1000 - EXPIRY_MARGIN_MS);
      this.learnt.set(key, { scheme: 'bearer', token }, { ttl });
      return `Bearer ${token}`;
    }
    if (challenges.some((challenge) => challenge.scheme === 'basic')) {
      if (!hasCredentials(target)) throw new UpstreamError('unauthorized', 'the upstream asks for credentials and none are configured', { status: 401 });
      const header = basicAuthorization(target);
      if (previous === header) throw new UpstreamError('unauthorized', 'the upstream refused the configured credentials', { status: 401 });
      this.learnt.set(key, { scheme: 'basic' });
      return header;
    }
    throw new UpstreamError('unauthorized', 'the upstream answered 401 without a challenge we can meet', { status: 401 });
  }

  /** Forgets what was learnt (a cached token the upstream refused). */
  forget(target: UpstreamTarget, repository: string): void {
    this.learnt.delete(cacheKey(target, repository));
  }
}

/**
 * Tokens are scoped to a repository (`repository:<name>:pull`), so they are cached per upstream and repository; the
 * URL and a hash of the credentials are part of the key, so an edited upstream never uses what its old one was given.
 */
function cacheKey(target: UpstreamTarget, repository: string): string {
  const credentials = createHash('sha256').update(`${target.username ?? ''}\0${target.password ?? ''}`).digest('base64url');
  return `${target.key}\n${target.url}\n${credentials}\n${repository}`;
}

/** Reads a token server's JSON answer: `token` or `access_token`, and `expires_in` seconds. */
export function parseTokenResponse(body: unknown): { token: string; expiresInSeconds: number } {
  const record = (body ?? {}) as Record<string, unknown>;
  const token = typeof record.token === 'string' && record.token ? record.token : typeof record.access_token === 'string' ? record.access_token : '';
  if (!token) throw new UpstreamError('invalid', 'the upstream token server answered without a token');
  const expires = typeof record.expires_in === 'number' && record.expires_in > 0 ? record.expires_in : DEFAULT_TOKEN_SECONDS;
  return { token, expiresInSeconds: expires };
}
