import { IncomingMessage } from 'node:http';

/**
 * NUL bytes are refused at the edge: PostgreSQL's text types cannot hold U+0000, so one that got through
 * would fail deep inside a query as a 500. In a URL the only way to write one is `%00` (a raw NUL never gets
 * past Node's parser), which covers every path segment and decoded query value; HTTP Basic credentials are
 * base64 and are decoded here to look. The /v2/ surface checks only its query string: its paths are never
URL-decoded, so `%00` there is three literal characters that the name, reference and digest grammars refuse
with their own codes (NAME_INVALID, ...). Bodies are checked by the body parsers (rest-body-parsers.ts).
 */
export function nulInRequestHead(req: IncomingMessage, where: 'url' | 'query'): string | undefined {
  const url = req.url ?? '';
  const checked = where === 'url' ? url : url.slice(url.indexOf('?') + 1 || url.length);
  if (/%00/i.test(checked)) return `the ${where === 'url' ? 'URL' : 'query string'} contains a NUL byte (%00)`;
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
