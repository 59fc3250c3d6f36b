import type { NextFunction, Request, Response } from 'express';
import qs from 'qs';
import { mergeGitlabParams } from '../rest/gitlab-params';
import { MAX_REST_BODY_DEPTH, MAX_REST_PARAMETERS } from './rest-body-parsers';

/**
 * The REST API's parameters, as GitLab's Grape builds `params`: the query string, parsed with nesting
 * (`a[b]=c`, `a[]=x`) like a form body, merged with the parsed body (JSON or form; the body wins on a name
 * both carry). The merged object replaces both `req.query` and `req.body`, so a DTO bound with @Query() or
 * @Body() sees every parameter wherever the client put it (GitLab's docs send POST fields in the query string;
 * its curl examples send DELETE fields as a form). Types are coerced per field by the DTOs' decorators
 * (rest/validation.ts). Mounted after the body parsers, on /api/v4 only.
 */
export function mergeRestParams(req: Request, res: Response, next: NextFunction): void {
  let query: unknown;
  try {
    query = parseRestQuery(queryString(req.originalUrl));
  } catch (error) {
    // qs throws RangeError for nesting past the depth and for more parameters than the limit.
    const tooDeep = error instanceof RangeError && /depth/i.test(error.message);
    res.status(400).json({ error: tooDeep ? 'Parameters nested too deeply' : 'Too many total parameters' });
    return;
  }
  const params = mergeGitlabParams(query, req.body);
  // Express 5 computes req.query in a getter on every read; an own property shadows it for this request.
  Object.defineProperty(req, 'query', { value: params, writable: true, configurable: true, enumerable: true });
  req.body = params;
  next();
}

/** The query string with the same limits as a form body: nesting depth, parameter count, array length. */
export function parseRestQuery(text: string): Record<string, unknown> {
  return qs.parse(text, {
    depth: MAX_REST_BODY_DEPTH,
    strictDepth: true,
    parameterLimit: MAX_REST_PARAMETERS,
    arrayLimit: MAX_REST_PARAMETERS,
    throwOnLimitExceeded: true,
  }) as Record<string, unknown>;
}

function queryString(url: string): string {
  const start = url.indexOf('?');
  return start === -1 ? '' : url.slice(start + 1);
}
