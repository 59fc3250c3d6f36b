import { IamErrorCode } from './iam-error';
import { rotatedTokenExpiry } from './token-lifetime';

describe('rotated token expiry', () => {
  const today = '2030-06-01';
  const invalid = expect.objectContaining({ code: IamErrorCode.INVALID, field: 'expires_at' });

  it("defaults to GitLab's one week for a person and for a longer-lived or never-expiring token", () => {
    expect(rotatedTokenExpiry({ kind: 'person' }, null, today)).toBe('2030-06-08');
    expect(rotatedTokenExpiry({ kind: 'token', expiresAt: null }, null, today)).toBe('2030-06-08');
    expect(rotatedTokenExpiry({ kind: 'token', expiresAt: '2030-12-31' }, null, today)).toBe('2030-06-08');
  });

  it('cuts the default week back to the expiry of the token performing the rotation', () => {
    expect(rotatedTokenExpiry({ kind: 'token', expiresAt: '2030-06-03' }, null, today)).toBe('2030-06-03');
  });

  it('takes an asked-for date within the bounds and refuses one past the performing token', () => {
    expect(rotatedTokenExpiry({ kind: 'person' }, '2031-01-01', today)).toBe('2031-01-01');
    expect(rotatedTokenExpiry({ kind: 'token', expiresAt: '2030-07-01' }, '2030-07-01', today)).toBe('2030-07-01');
    expect(() => rotatedTokenExpiry({ kind: 'token', expiresAt: '2030-07-01' }, '2030-07-02', today)).toThrow(invalid);
  });

  it('refuses today, the past, malformed dates and more than a year', () => {
    expect(() => rotatedTokenExpiry({ kind: 'person' }, today, today)).toThrow(invalid);
    expect(() => rotatedTokenExpiry({ kind: 'person' }, '2030-05-01', today)).toThrow(invalid);
    expect(() => rotatedTokenExpiry({ kind: 'person' }, '2030-02-30', today)).toThrow(invalid);
    expect(rotatedTokenExpiry({ kind: 'person' }, '2031-06-01', today)).toBe('2031-06-01');
    expect(() => rotatedTokenExpiry({ kind: 'person' }, '2031-06-02', today)).toThrow(invalid);
  });
});
