import jwt from 'jsonwebtoken';
import { LRUCache } from 'lru-cache';
import { REGISTRY_TOKEN_AUDIENCE, REGISTRY_TOKEN_ISSUER, RegistryClaims } from './registry-token.service';
import { SigningKeyRing } from './signing-keys';

const CACHE_SIZE = 10_000;

/**
 * Verifies registry JWTs on every /v2/ request. Only ES256 with a known `kid` is accepted (no `none`, no HMAC
 * confusion), audience and issuer must match, and expiry is enforced. Verified tokens are cached until they
 * expire, so the signature is checked once per token rather than once per request: a client reuses one
 * token for hundreds of requests. At most CACHE_SIZE tokens are kept (the least recently used one goes first).
 */
export class RegistryTokenVerifier {
  private readonly cache = new LRUCache<string, RegistryClaims>({ max: CACHE_SIZE });

  constructor(private readonly keys: SigningKeyRing) {}

  verify(token: string): RegistryClaims | null {
    const nowSeconds = Date.now() / 1000;
    const cached = this.cache.get(token);
    if (cached) {
      if (cached.exp > nowSeconds) return cached;
      this.cache.delete(token);
      return null;
    }
    const decoded = jwt.decode(token, { complete: true });
    if (!decoded || typeof decoded.payload === 'string' || decoded.header.alg !== 'ES256' || !decoded.header.kid) return null;
    const key = this.keys.verificationKey(decoded.header.kid);
    if (!key) return null;
    try {
      const claims = jwt.verify(token, key.publicKey, {
        algorithms: ['ES256'],
        audience: REGISTRY_TOKEN_AUDIENCE,
        issuer: REGISTRY_TOKEN_ISSUER,
      }) as RegistryClaims;
      if (!Array.isArray(claims.access) || typeof claims.exp !== 'number') return null;
      this.cache.set(token, claims);
      return claims;
    } catch {
      return null;
    }
  }
}
