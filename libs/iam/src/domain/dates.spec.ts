import { checkExpiryDate, isValidDate, todayUtc } from './dates';
import { IamError } from './iam-error';

describe('expiry dates', () => {
  const now = new Date('2025-06-15T12:00:00Z');

  it('validates calendar dates', () => {
    expect(isValidDate('2024-02-29')).toBe(true);
    expect(isValidDate('2025-02-29')).toBe(false);
    expect(isValidDate('2025-6-1')).toBe(false);
  });

  it('accepts today and later, rejects the past', () => {
    expect(todayUtc(now)).toBe('2025-06-15');
    expect(checkExpiryDate('2025-06-15', 'expires_at', now)).toBe('2025-06-15');
    expect(checkExpiryDate(undefined, 'expires_at', now)).toBeNull();
    expect(() => checkExpiryDate('2025-06-14', 'expires_at', now)).toThrow(IamError);
    expect(() => checkExpiryDate('tomorrow', 'expires_at', now)).toThrow('is not a valid date');
  });
});
