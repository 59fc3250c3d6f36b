import type { IncomingMessage } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type express from 'express';
import { findJsonTextProblem } from '@cargohold/common';
import { nulInFormBody } from './nul-guard';

/** Deepest nesting a REST body may have (JSON arrays and objects, form keys `a[b][c]`); nothing we accept needs more than a few. */
export const MAX_REST_BODY_DEPTH = 32;

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
    verify: (_req: IncomingMessage, _res: unknown, body: Buffer) => {
      if (nulInFormBody(body)) throw new BodyRefused('entity.nul', 'the body contains a NUL character');
    },
  });
}

/**
 * Body-parser failures never reach Nest's filters: answer them here in GitLab's shape (`{"message": ...}`),
 * 413 for a body over the limit and 400 for one that cannot be parsed or was refused.
 */
export function restBodyErrorHandler(error: { type?: string; status?: number; message?: string }, _req: express.Request, res: express.Response, next: express.NextFunction): void {
  if (error?.type === 'entity.too.large') {
    res.status(413).json({ message: '413 Payload Too Large' });
  } else if (typeof error?.type === 'string' && error.status !== undefined && error.status >= 400 && error.status < 500) {
    const reason = error.type === 'entity.parse.failed' ? 'the body is not valid JSON' : error.type === 'querystring.parse.rangeError' ? `form keys nested deeper than ${MAX_REST_BODY_DEPTH} levels` : error.message;
    res.status(error.status).json({ message: `${error.status} ${error.status === 400 ? 'Bad request - ' : ''}${reason}` });
  } else {
    next(error);
  }
}
