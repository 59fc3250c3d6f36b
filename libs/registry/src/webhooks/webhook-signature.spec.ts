import { createHmac } from 'node:crypto';
import { signWebhookBody, verifyWebhookSignature } from './webhook-signature';

describe('webhook signatures', () => {
  const body = '{"object_kind":"registry","event_name":"image_pushed","tag":"prod"}';

  it('is sha256= and the hex HMAC-SHA256 of the exact body keyed with the token', () => {
    const expected = createHmac('sha256', 's3cret').update(body).digest('hex');
    expect(signWebhookBody(body, 's3cret')).toBe(`sha256=${expected}`);
    // A known vector, so a change of algorithm or encoding cannot go unnoticed.
    expect(signWebhookBody('hello', 'key')).toBe('sha256=9307b3b915efb5171ff14d8cb55fbcc798c6c0ef1456d66ded1a6aa723a58b7b');
  });

  it('verifies only the same body with the same token', () => {
    const signature = signWebhookBody(body, 's3cret');
    expect(verifyWebhookSignature(body, 's3cret', signature)).toBe(true);
    expect(verifyWebhookSignature(Buffer.from(body), 's3cret', signature)).toBe(true);
    expect(verifyWebhookSignature(`${body} `, 's3cret', signature)).toBe(false);
    expect(verifyWebhookSignature(body, 'other', signature)).toBe(false);
    expect(verifyWebhookSignature(body, 's3cret', undefined)).toBe(false);
    expect(verifyWebhookSignature(body, 's3cret', 'sha256=00')).toBe(false);
  });
});
