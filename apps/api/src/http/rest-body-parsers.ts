import type { IncomingMessage } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type express from 'express';
import { findJsonTextProblem } from '@cargohold/common';
import { nulInFormBody } from './nul-guard';

/** Deepest nesting a REST body may have (JSON arrays and objects, form keys `a[b][c]`); nothing we accept needs more than a few. */
export const MAX_REST_BODY_DEPTH = 32;

/** Most parameters a form body or a query string may carry (body-parser's default); beyond, a 400. */
export const MAX_REST_PARAMETERS = 1000;

/** A refused body, shaped for body-parser: it answers the status, and `restBodyErrorHandler` words it. */
class BodyRefused extends Error {
  readonly status = 400;
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The REST API's JSON and form parsers with the size limit (REST_BODY_LIMIT), and a `verify` hook that
 * looks at the raw bytes before anything parses them: too deep or carrying a NUL is a 400 before JSON.parse
 * or validation could spend stack or time on it.
 */
export function useRestBodyParsers(app: NestExpressApplication, limitBytes: number): void {
  app.useBodyParser('json', {
    limit: limitBytes,
    verify: (_req: IncomingMessage, _res: unknown, body: Buffer) => {
      const problem = findJsonTextProblem(body, MAX_REST_BODY_DEPTH);
      if (problem?.kind === 'too-deep') throw new BodyRefused('entity.too.deep', `JSON nested deeper than ${MAX_REST_BODY_DEPTH} levels`);
      if (problem?.kind === 'nul') throw new BodyRefused('entity.nul', 'the body contains a NUL character');
    },
  });
  app.useBodyParser('urlencoded', {
    extended: true,
    limit: limitBytes,
    depth: MAX_REST_BODY_DEPTH,
    parameterLimit: MAX_REST_PARAMETERS,
    verify: (_req: IncomingMessage, _res: unknown, body: Buffer) => {
      if (nulInFormBody(body)) throw new BodyRefused('entity.nul', 'the body contains a NUL character');
    },
  });
}

/**
 * What GitLab answers for a body it refuses before any endpoint sees it (Gitlab::Middleware::JsonValidation):
 * 400 with `{"error": ...}` and these words. Keyed by body-parser's error types and ours (BodyRefused).
 */
const GITLAB_BODY_ERRORS: Record<string, string> = {
  'entity.parse.failed': 'Invalid JSON format',
  'entity.too.deep': 'Parameters nested too deeply',
  'querystring.parse.rangeError': 'Parameters nested too deeply',
  'parameters.too.many': 'Too many total parameters',
};

/**
 * Body-parser failures never reach Nest's filters: answer them here in GitLab's shape. 413 `{"message": ...}`
 * for a body over the limit, 400 `{"error": ...}` for malformed JSON, too deep nesting or too many form
 * parameters (GitLab's wording), 400 `{"message": ...}` for a NUL, and the parser's own status otherwise.
 */
export function restBodyErrorHandler(error: { type?: string; status?: number; message?: string }, _req: express.Request, res: express.Response, next: express.NextFunction): void {
  const type = typeof error?.type === 'string' ? error.type : undefined;
  if (type === 'entity.too.large') {
    res.status(413).json({ message: '413 Payload Too Large' });
  } else if (type !== undefined && GITLAB_BODY_ERRORS[type] !== undefined) {
    res.status(400).json({ error: GITLAB_BODY_ERRORS[type] });
  } else if (type !== undefined && error.status !== undefined && error.status >= 400 && error.status < 500) {
    res.status(error.status).json({ message: `${error.status} ${error.status === 400 ? 'Bad request - ' : ''}${error.message}` });
  } else {
    next(error);
  }
}
