import { createHash } from 'node:crypto';
import { digestToken, generateTokenSecret, TokenPrefix, tokenMatchesDigest } from './token-secret';

describe('token secrets', () => {
  it('carries GitLab prefixes and 192 random bits', () => {
    const pat = generateTokenSecret(TokenPrefix.PERSONAL);
    expect(pat).toMatch(/^glpat-[A-Za-z0-9_-]{32}$/);
    expect(generateTokenSecret(TokenPrefix.DEPLOY)).toMatch(/^gldt-[A-Za-z0-9_-]{32}$/);
    expect(generateTokenSecret(TokenPrefix.JOB)).toMatch(/^glcbt-[A-Za-z0-9_-]{32}$/);
  });

  it('never repeats', () => {
    const seen = new Set(Array.from({ length: 1000 }, () => generateTokenSecret(TokenPrefix.PERSONAL)));
    expect(seen.size).toBe(1000);
  });

  it('stores the SHA-256 digest of the whole secret', () => {
    const secret = 'glpat-example';
    expect(digestToken(secret)).toEqual(createHash('sha256').update(secret).digest());
    expect(digestToken(secret)).toHaveLength(32);
  });

  it('matches only the exact secret', () => {
    const secret = generateTokenSecret(TokenPrefix.DEPLOY);
    const digest = digestToken(secret);
    expect(tokenMatchesDigest(secret, digest)).toBe(true);
    expect(tokenMatchesDigest(`${secret}x`, digest)).toBe(false);
    expect(tokenMatchesDigest(secret.slice(0, -1), digest)).toBe(false);
    expect(tokenMatchesDigest(secret, Buffer.alloc(16))).toBe(false);
  });
});
