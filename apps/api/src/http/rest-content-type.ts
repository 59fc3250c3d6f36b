import type { NextFunction, Request, Response } from 'express';

/** What Express makes of `application/json`: res.set() and res.send() both append the charset. */
const JSON_WITH_UTF8_CHARSET = /^application\/json\s*;\s*charset=utf-8$/i;

/** GitLab's REST API (Grape) answers JSON as `application/json`, without a charset. */
export const REST_JSON_CONTENT_TYPE = 'application/json';

/**
 * Makes every JSON answer under /api/v4 carry `Content-Type: application/json` exactly, as GitLab's does:
 * python-gitlab before 3.14 compares the header to that string and fails on anything else. Express adds
 * `; charset=utf-8` in res.set() and again in res.send(), so the one place that sees every path (res.json,
 * res.send of a string, filters, the body-parser error handler) is the response's own setHeader: a UTF-8
 * charset on JSON is dropped there (RFC 8259: JSON is UTF-8 and defines no charset parameter).
 */
export function exactJsonContentType(_req: Request, res: Response, next: NextFunction): void {
  const setHeader = res.setHeader.bind(res);
  res.setHeader = ((name: string, value: number | string | readonly string[]) =>
    setHeader(name, name.toLowerCase() === 'content-type' && typeof value === 'string' && JSON_WITH_UTF8_CHARSET.test(value) ? REST_JSON_CONTENT_TYPE : value)) as Response['setHeader'];
  next();
}
