import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header carrying the body's signature: `sha256=<hex HMAC-SHA256 of the exact body bytes, keyed with the hook token>`. */
export const SIGNATURE_HEADER = 'X-Cargohold-Signature';

export function signWebhookBody(body: string | Buffer, token: string): string {
  return `sha256=${createHmac('sha256', token).update(body).digest('hex')}`;
}

/** What a receiver does: recompute over the raw body and compare in constant time. */
export function verifyWebhookSignature(body: string | Buffer, token: string, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(signWebhookBody(body, token));
  const given = Buffer.from(header.trim());
  return expected.length === given.length && timingSafeEqual(expected, given);
}
