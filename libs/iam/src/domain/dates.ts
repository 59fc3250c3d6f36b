import { IamError } from './iam-error';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Today's date in UTC as YYYY-MM-DD: PostgreSQL's current_date in a UTC session, GitLab's Date.current. */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

export function isValidDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/**
 * Validates an optional expiry date (YYYY-MM-DD) that must not lie in the past. A token or membership stops
 * working on that date, as in GitLab.
 */
export function checkExpiryDate(value: string | null | undefined, field = 'expires_at', now?: Date): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (!isValidDate(value)) throw IamError.invalid('is not a valid date (YYYY-MM-DD)', field);
  if (value < todayUtc(now)) throw IamError.invalid('cannot be a date in the past', field);
  return value;
}
