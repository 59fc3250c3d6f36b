import { IncomingMessage } from 'node:http';

/**
 * NUL bytes are refused at the edge: PostgreSQL's text types cannot hold U+0000, so one that got through
 * would fail deep inside a query as a 500. In a URL the only way to write one is `%00` (a raw NUL never gets
 * past Node's parser), which covers every path segment and decoded query value; HTTP Basic credentials are
 * base64 and are decoded here to look. Bodies are checked by the body parsers (rest-body-parsers.ts).
 */
export function nulInRequestHead(req: IncomingMessage): string | undefined {
  if (req.url !== undefined && /%00/i.test(req.url)) return 'the URL contains a NUL byte (%00)';
  const authorization = req.headers.authorization;
  if (authorization !== undefined && /^basic /i.test(authorization)) {
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64');
    if (decoded.includes(0)) return 'the credentials contain a NUL byte';
  }
  return undefined;
}

/** `%00` anywhere in a form body, or a raw NUL byte. */
export function nulInFormBody(body: Buffer): boolean {
  return body.includes(0) || /%00/i.test(body.toString('latin1'));
}
