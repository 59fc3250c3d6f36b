import { isValidDate } from './dates';
import { IamError } from './iam-error';

/**
 * What bounds the lifetime of a token someone creates. A person (a password sign-in, or a web UI session opened
 * with a password) may create a token that never expires. A token may only create tokens that expire, no later
 * than itself: otherwise a leaked or soon-to-expire token could mint its own successor and live forever.
 */
export type TokenCreator = { kind: 'person' } | { kind: 'token'; expiresAt: string | null };

const FIELD = 'expires_at';

/** For tokens with an expiry date (YYYY-MM-DD; the token stops working on that date). */
export function checkCreatedTokenExpiry(creator: TokenCreator, expiresAt: string | null): void {
  if (creator.kind === 'person') return;
  if (expiresAt === null) throw IamError.invalid('is required when the request is authenticated with a token (only a signed-in person creates tokens that never expire)', FIELD);
  if (creator.expiresAt !== null && expiresAt > creator.expiresAt) {
    throw IamError.invalid(`cannot be later than the expiry of the token used for this request (${creator.expiresAt})`, FIELD);
  }
}

/** For tokens with an expiry instant (deploy tokens): the creating token stops working at 00:00 UTC of its date. */
export function checkCreatedTokenExpiryInstant(creator: TokenCreator, expiresAt: Date | null): void {
  if (creator.kind === 'person') return;
  if (expiresAt === null) throw IamError.invalid('is required when the request is authenticated with a token (only a signed-in person creates tokens that never expire)', FIELD);
  if (creator.expiresAt !== null && expiresAt.getTime() > Date.parse(`${creator.expiresAt}T00:00:00Z`)) {
    throw IamError.invalid(`cannot be later than the expiry of the token used for this request (${creator.expiresAt})`, FIELD);
  }
}

/** GitLab's default lifetime of a rotated token, and the longest a rotation may ask for (its default maximum lifetime). */
export const ROTATED_TOKEN_DEFAULT_DAYS = 7;
export const ROTATED_TOKEN_MAX_DAYS = 365;

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The expiry date of a rotated token (YYYY-MM-DD). Asked for: a valid date after today, at most a year away, and,
 * when a token performs the rotation, no later than that token's expiry (checkCreatedTokenExpiry). Not asked for:
 * GitLab's one week, cut back to the performing token's expiry, so a token rotating itself (or a sibling) gets a new
 * secret but never a longer life than its own; only a person, or a longer-lived token, extends a token's life.
 */
export function rotatedTokenExpiry(creator: TokenCreator, requested: string | null, today: string): string {
  if (requested !== null) {
    if (!isValidDate(requested)) throw IamError.invalid('is not a valid date (YYYY-MM-DD)', FIELD);
    if (requested <= today) throw IamError.invalid('must be in the future', FIELD);
    if (requested > addDays(today, ROTATED_TOKEN_MAX_DAYS)) throw IamError.invalid(`must be within ${ROTATED_TOKEN_MAX_DAYS} days of the rotation`, FIELD);
    checkCreatedTokenExpiry(creator, requested);
    return requested;
  }
  const week = addDays(today, ROTATED_TOKEN_DEFAULT_DAYS);
  if (creator.kind === 'token' && creator.expiresAt !== null && creator.expiresAt < week) return creator.expiresAt;
  return week;
}
