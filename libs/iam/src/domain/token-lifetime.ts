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
