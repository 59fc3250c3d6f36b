import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** GitLab's recognisable prefixes, so leaked secrets are found by secret scanners. */
export const TokenPrefix = {
  PERSONAL: 'glpat-',
  DEPLOY: 'gldt-',
  JOB: 'glcbt-',
} as const;

export type TokenPrefixValue = (typeof TokenPrefix)[keyof typeof TokenPrefix];

/**
 * Whether a presented secret has one of our token prefixes. Such a secret is never tried as a password (no scrypt
 * for a wrong or revoked token); passwords that start with a token prefix therefore cannot sign in through Basic.
 */
export function looksLikeToken(secret: string): boolean {
  return Object.values(TokenPrefix).some((prefix) => secret.startsWith(prefix));
}

/** 192 random bits, base64url: unguessable, and safe in headers, URLs and Basic credentials. */
export function generateTokenSecret(prefix: TokenPrefixValue): string {
  return `${prefix}${randomBytes(24).toString('base64url')}`;
}

/**
 * Only this digest is stored. A fast hash is right here (unlike passwords): the secret has 192 random
 * bits, so it cannot be brute-forced, and lookups by digest must be cheap on every request.
 */
export function digestToken(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** Constant-time comparison of a presented secret against a stored digest. */
export function tokenMatchesDigest(secret: string, digest: Buffer): boolean {
  const presented = digestToken(secret);
  return presented.length === digest.length && timingSafeEqual(presented, digest);
}
