import type { IncomingMessage } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type express from 'express';
import { findJsonTextProblem } from '@cargohold/common';
import { bodyParserErrorFor, sendRestError } from '../rest/rest-errors';
import { nulInFormBody } from './nul-guard';

/** Deepest nesting a REST body may have (JSON arrays and objects, form keys `a[b][c]`); nothing we accept needs more than a few. */
export const MAX_REST_BODY_DEPTH = 32;

/** Most parameters a form body or a query string may carry (body-parser's default); beyond, a 400. */
export const MAX_REST_PARAMETERS = 1000;

/** A refused body, shaped for body-parser: it answers the status, and the REST error mapping words it (`bodyParserErrorFor`). */
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

/** Body-parser failures never reach Nest's filters: they are answered here, through the REST error mapping. */
export function restBodyErrorHandler(error: unknown, _req: express.Request, res: express.Response, next: express.NextFunction): void {
  const mapped = typeof error === 'object' && error !== null ? bodyParserErrorFor(error) : null;
  if (mapped) sendRestError(res, mapped);
  else next(error);
}
