import { IncomingMessage } from 'node:http';
import { RegistryClaims, RegistryTokenVerifier } from '@cargohold/iam';
import { AccessDecision, RegistryAccessGuard, RegistryPrincipal } from './registry-access';
import { RegistryAction } from './registry-routes';

/**
 * The /v2/ guard: every request carries a registry JWT from /jwt/auth, verified (and cached) here, and every
 * action is checked against its `access` claim. Without a valid token the answer is 401 with the challenge
 * naming the scope to ask for; with a token the service already refused for this repository, 403 DENIED.
 */
export class JwtAccessGuard implements RegistryAccessGuard {
  constructor(
    private readonly verifier: RegistryTokenVerifier,
    /** The token endpoint's absolute URL for this request (PUBLIC_URL, or a trusted proxy's address). */
    private readonly realmFor: (req: IncomingMessage) => string,
  ) {}

  async authorize(req: IncomingMessage, repository: string | null, actions: RegistryAction[]): Promise<AccessDecision> {
    const scope = repository ? `repository:${repository}:${actions.join(',')}` : actions.length === 0 && req.url?.startsWith('/v2/_catalog') ? 'registry:catalog:*' : undefined;
    const header = req.headers.authorization;
    const claims = header && /^bearer /i.test(header) ? this.verifier.verify(header.slice(7).trim()) : null;
    if (!claims) return this.challenge(req, scope, 'authentication required');
    const principal = principalFrom(claims);
    if (scope === 'registry:catalog:*' && !principal.isAdmin) {
      return claims.access.some((entry) => entry.type === 'registry') ? denied() : this.challenge(req, scope, 'the catalog needs the registry:catalog:* scope', true);
    }
    if (repository === null) return { allowed: true, principal };
    const missing = actions.filter((action) => !principal.can(repository, action));
    if (missing.length === 0) return { allowed: true, principal };
    // A token that never asked for these actions gets a chance to ask; one the token service refused is denied.
    const asked = claims.requested?.find((entry) => entry.name === repository)?.actions ?? [];
    return missing.every((action) => asked.includes(action)) ? denied() : this.challenge(req, scope, 'insufficient scope', true);
  }

  private challenge(req: IncomingMessage, scope: string | undefined, message: string, insufficient = false): AccessDecision {
    let challenge = `Bearer realm="${this.realmFor(req)}",service="container_registry"`;
    if (scope) challenge += `,scope="${scope}"`;
    if (insufficient) challenge += `,error="insufficient_scope"`;
    return { allowed: false, status: 401, challenge, message };
  }
}

function denied(): AccessDecision {
  return { allowed: false, status: 403, message: 'requested access to the resource is denied' };
}

function principalFrom(claims: RegistryClaims): RegistryPrincipal {
  const granted = new Map<string, Set<string>>();
  const levels = new Map<string, number>();
  for (const entry of claims.access) {
    if (entry.type !== 'repository') continue;
    granted.set(entry.name, new Set([...(granted.get(entry.name) ?? []), ...entry.actions]));
    const level = entry.meta?.access_level;
    if (typeof level === 'number') levels.set(entry.name, Math.max(levels.get(entry.name) ?? 0, level));
  }
  return {
    subject: claims.sub || null,
    isAdmin: claims.admin === true && claims.access.some((entry) => entry.type === 'registry'),
    actor: claims.actor,
    can: (repository, action) => granted.get(repository)?.has(action) ?? false,
    accessLevel: (repository) => levels.get(repository) ?? 0,
  };
}
