import { IamErrorCode } from './iam-error';
import { checkCreatedTokenExpiry, checkCreatedTokenExpiryInstant } from './token-lifetime';

describe('tokens created by tokens', () => {
  const invalid = expect.objectContaining({ code: IamErrorCode.INVALID, field: 'expires_at' });

  it('lets a person create any token, never-expiring included', () => {
    expect(() => checkCreatedTokenExpiry({ kind: 'person' }, null)).not.toThrow();
    expect(() => checkCreatedTokenExpiryInstant({ kind: 'person' }, null)).not.toThrow();
  });

  it('requires a token-made token to expire, no later than the token that makes it', () => {
    const creator = { kind: 'token' as const, expiresAt: '2030-06-15' };
    expect(() => checkCreatedTokenExpiry(creator, null)).toThrow(invalid);
    expect(() => checkCreatedTokenExpiry(creator, '2030-06-16')).toThrow(/cannot be later than .*2030-06-15/);
    expect(() => checkCreatedTokenExpiry(creator, '2030-06-15')).not.toThrow();
    expect(() => checkCreatedTokenExpiry(creator, '2030-01-01')).not.toThrow();
  });

  it('requires an expiry from a never-expiring token too, but any date will do', () => {
    const creator = { kind: 'token' as const, expiresAt: null };
    expect(() => checkCreatedTokenExpiry(creator, null)).toThrow(invalid);
    expect(() => checkCreatedTokenExpiry(creator, '2999-01-01')).not.toThrow();
  });

  it('compares deploy token instants with the start of the creating token expiry date (UTC)', () => {
    const creator = { kind: 'token' as const, expiresAt: '2030-06-15' };
    expect(() => checkCreatedTokenExpiryInstant(creator, null)).toThrow(invalid);
    expect(() => checkCreatedTokenExpiryInstant(creator, new Date('2030-06-15T00:00:01Z'))).toThrow(invalid);
    expect(() => checkCreatedTokenExpiryInstant(creator, new Date('2030-06-15T00:00:00Z'))).not.toThrow();
  });
});
