import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { Actor } from '../domain/actor';
import { RegistryPermissionService } from '../registry-permission.service';
import { SigningKeyRing } from './signing-keys';
import { IamError } from '../domain/iam-error';
import { AccessEntry, grantActions, MAX_SCOPES_PER_TOKEN_REQUEST, parseScopes, splitScopes } from './token-scope';

export const REGISTRY_TOKEN_AUDIENCE = 'container_registry';
export const REGISTRY_TOKEN_ISSUER = 'cargohold-token-service';

export interface IssuedToken {
  token: string;
  expiresIn: number;
  issuedAt: string;
}

/** Claims the registry relies on; `actor` says who asked, for logs and audit (never a secret). */
export interface RegistryClaims {
  sub: string;
  access: AccessEntry[];
  /** What was asked per repository, so the registry can tell "refused" (403) from "never asked" (401 challenge). */
  requested?: Array<{ name: string; actions: string[] }>;
  actor?: { kind: Actor['kind'] | 'anonymous'; id: number | null };
  admin?: boolean;
  exp: number;
  jti: string;
}

/**
 * The Docker token service: turns an authenticated actor (or an anonymous one) and requested scopes into a
 * short-lived ES256 JWT whose `access` claim holds only what the actor may really do.
 */
export class RegistryTokenService {
  constructor(
    private readonly keys: SigningKeyRing,
    private readonly permissions: RegistryPermissionService,
    private readonly ttlSeconds: number,
  ) {}

  /** Throws IamError INVALID (field `scope`) for more than MAX_SCOPES_PER_TOKEN_REQUEST scopes. */
  async issue(actor: Actor | null, scopeParams: string[]): Promise<IssuedToken> {
    checkScopeCount(scopeParams);
    const access: AccessEntry[] = [];
    const requested: Array<{ name: string; actions: string[] }> = [];
    for (const entry of parseScopes(scopeParams)) {
      if (entry.type === 'registry') {
        if (actor?.isAdmin) access.push(entry);
        continue;
      }
      const grant = await this.permissions.registryGrantFor(actor, entry.name);
      const actions = grantActions(entry.actions, grant.actions);
      // The level only matters to pushes and deletes (protection rules); a pull-only token carries none.
      const meta = grant.protectionLevel !== null && actions.some((action) => action !== 'pull') ? { meta: { access_level: grant.protectionLevel } } : {};
      access.push({ type: 'repository', name: entry.name, actions, ...meta });
      requested.push({ name: entry.name, actions: entry.actions.includes('*') ? ['pull', 'push', 'delete'] : entry.actions });
    }
    const key = this.keys.signingKey();
    const now = Math.floor(Date.now() / 1000);
    const payload = {
      access,
      requested,
      actor: { kind: actor?.kind ?? 'anonymous', id: actorId(actor) },
      ...(actor?.isAdmin ? { admin: true } : {}),
      jti: randomUUID(),
    };
    const token = jwt.sign(payload, key.privateKey, {
      algorithm: 'ES256',
      keyid: key.kid,
      issuer: REGISTRY_TOKEN_ISSUER,
      audience: REGISTRY_TOKEN_AUDIENCE,
      subject: actor?.username ?? '',
      expiresIn: this.ttlSeconds,
      notBefore: -5,
    });
    return { token, expiresIn: this.ttlSeconds, issuedAt: new Date(now * 1000).toISOString() };
  }
}

/** The token request's scope limit; the token endpoint checks it before authenticating, and issue() again. */
export function checkScopeCount(scopeParams: string[]): void {
  const count = splitScopes(scopeParams).length;
  if (count > MAX_SCOPES_PER_TOKEN_REQUEST) {
    throw IamError.invalid(`at most ${MAX_SCOPES_PER_TOKEN_REQUEST} scopes may be requested in one token request, got ${count}`, 'scope');
  }
}

function actorId(actor: Actor | null): number | null {
  if (!actor) return null;
  if (actor.kind === 'deploy_token') return actor.deployToken?.id ?? null;
  if (actor.kind === 'job') return actor.job?.id ?? null;
  return actor.userId;
}
