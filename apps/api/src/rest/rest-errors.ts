import { HttpException } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError } from '@cargohold/common';
import { isConnectionError } from '@cargohold/db';

/** A GitLab-shaped error response. */
export interface RestErrorResponse {
  status: number;
  body: Record<string, unknown>;
  /** Extra response headers (Retry-After on 429 and 503). */
  headers?: Record<string, string>;
}

/** Bad parameters (class-validator): GitLab answers 400 `{"error": "<param> is missing"}`. */
export class RestValidationError extends Error {
  constructor(message: string) {
    super(message);
  }
}

/** The token is valid but lacks the scope the endpoint needs: GitLab's 403 body for OAuth-style scope failures. */
export class InsufficientScopeError extends Error {
  constructor(readonly requiredScope: string) {
    super('insufficient_scope');
  }
}

const DATABASE_UNAVAILABLE = 'the metadata database is unavailable, retry later';

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
};

/**
 * The one mapping from errors to REST responses (/api/v4, the web UI's session API). Domain errors
 * (DomainError: IamError, ManagementError, WebhookUrlError, ...) go through one exhaustive switch over their
 * codes, so a code added without a status and a body fails to compile. Anything unmapped is null: a 500.
 */
export function restErrorFor(error: unknown): RestErrorResponse | null {
  // PostgreSQL unreachable: a retryable 503, not a 500 (the registry answers OCI UNAVAILABLE the same way).
  if (isConnectionError(error)) return { status: 503, body: { message: `503 Service Unavailable - ${DATABASE_UNAVAILABLE}` } };
  if (error instanceof DomainError) return domainError(error);
  if (error instanceof RestValidationError) return { status: 400, body: { error: error.message } };
  if (error instanceof InsufficientScopeError) {
    return {
      status: 403,
      body: {
        error: 'insufficient_scope',
        error_description: 'The request requires higher privileges than provided by the access token.',
        scope: error.requiredScope,
      },
    };
  }
  if (error instanceof HttpException) return httpException(error);
  return null;
}

/** GitLab's wording per domain error code. */
function domainError(error: DomainError): RestErrorResponse {
  switch (error.code) {
    case 'NOT_FOUND':
      return { status: 404, body: { message: `404 ${error.message}` } };
    case 'UNAUTHORIZED':
      return { status: 401, body: { message: '401 Unauthorized' } };
    case 'FORBIDDEN':
      return { status: 403, body: { message: error.message === 'Forbidden' ? '403 Forbidden' : `403 Forbidden - ${error.message}` } };
    case 'CONFLICT':
      return { status: 409, body: { message: error.message } };
    case 'GONE':
      return { status: 410, body: { message: `410 Gone - ${error.message}` } };
    case 'INVALID':
      // GitLab reports model validation as {"message": {"field": ["problem"]}}, other bad requests as "400 Bad request - ...".
      return { status: 400, body: { message: error.field ? { [error.field]: [error.message] } : `400 Bad request - ${error.message}` } };
    case 'INVALID_PARAMETER':
      return { status: 400, body: { error: error.message } };
    case 'BAD_REQUEST':
      return { status: 400, body: { message: error.message } };
    case 'UNPROCESSABLE':
      return { status: 422, body: { message: error.field ? { [error.field]: [error.message] } : error.message } };
    case 'TOO_MANY_REQUESTS':
      return { status: 429, body: { message: `429 Too Many Requests - ${error.message}` }, headers: { 'Retry-After': String(error.retryAfterSeconds ?? 1) } };
    case 'METHOD_NOT_ALLOWED':
      return { status: 405, body: { message: '405 Method Not Allowed' } };
    case 'PROTECTED':
      // The rule's own words, so a client (and the web UI) can say why: `tag "v1.2.3" is immutable`.
      return { status: 403, body: { message: error.message } };
    default:
      return assertNever(error.code);
  }
}

/** The token service's codes (Docker's token authentication errors, as GitLab's JwtController names them) by status. */
const TOKEN_ERROR_CODES: Readonly<Record<number, string>> = { 400: 'INVALID_REQUEST', 401: 'UNAUTHORIZED', 403: 'DENIED', 429: 'TOO_MANY_REQUESTS' };

/**
 * The same mapping for the token service (/jwt/auth), in the body docker and skopeo read there:
 * `{"errors": [{"code", "message", "detail"}]}`, the domain error's own message. A database that cannot be
 * reached is a 503 UNAVAILABLE with Retry-After, so clients report "service unavailable" and retry.
 */
export function tokenErrorFor(error: unknown): RestErrorResponse | null {
  if (isConnectionError(error)) return { status: 503, headers: { 'Retry-After': '5' }, body: tokenErrorBody('UNAVAILABLE', DATABASE_UNAVAILABLE) };
  if (!(error instanceof DomainError)) return null;
  const { status, headers } = domainError(error);
  const code = TOKEN_ERROR_CODES[status];
  if (code === undefined) return null;
  return { status, ...(headers ? { headers } : {}), body: tokenErrorBody(code, error.message) };
}

function tokenErrorBody(code: string, message: string): Record<string, unknown> {
  return { errors: [{ code, message, detail: {} }] };
}

/**
 * What GitLab answers for a body it refuses before any endpoint sees it (Gitlab::Middleware::JsonValidation):
 * 400 with `{"error": ...}` and these words. Keyed by body-parser's error types and ours (rest-body-parsers.ts).
 */
const GITLAB_BODY_ERRORS: Record<string, string> = {
  'entity.parse.failed': 'Invalid JSON format',
  'entity.too.deep': 'Parameters nested too deeply',
  'querystring.parse.rangeError': 'Parameters nested too deeply',
  'parameters.too.many': 'Too many total parameters',
};

/**
 * Body-parser failures (they never reach Nest's filters): 413 `{"message": ...}` for a body over the limit,
 * 400 `{"error": ...}` for malformed JSON, too deep nesting or too many form parameters (GitLab's wording),
 * and the parser's own 4xx status otherwise. Null for anything that is not a body-parser failure.
 */
export function bodyParserErrorFor(error: { type?: unknown; status?: unknown; message?: unknown }): RestErrorResponse | null {
  const type = typeof error?.type === 'string' ? error.type : undefined;
  if (type === undefined) return null;
  if (type === 'entity.too.large') return { status: 413, body: { message: '413 Payload Too Large' } };
  if (GITLAB_BODY_ERRORS[type] !== undefined) return { status: 400, body: { error: GITLAB_BODY_ERRORS[type] } };
  const status = typeof error.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : undefined;
  if (status === undefined) return null;
  return { status, body: { message: `${status} ${status === 400 ? 'Bad request - ' : ''}${String(error.message)}` } };
}

/** Framework errors: unknown routes (404), malformed JSON bodies (400), and the like. */
function httpException(error: HttpException): RestErrorResponse {
  const status = error.getStatus();
  if (status === 404) return { status, body: { error: '404 Not Found' } };
  if (status === 400) return { status, body: { error: firstMessage(error) ?? 'Bad request' } };
  return { status, body: { message: `${status} ${STATUS_TEXT[status] ?? firstMessage(error) ?? 'Error'}` } };
}

function firstMessage(error: HttpException): string | undefined {
  const response = error.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return String(message[0]);
  return typeof message === 'string' ? message : undefined;
}

/** Writes a mapped error: the one way REST errors reach the wire. */
export function sendRestError(res: Response, mapped: RestErrorResponse): void {
  if (mapped.headers) res.set(mapped.headers);
  res.status(mapped.status).json(mapped.body);
}

function assertNever(value: never): never {
  throw new Error(`unmapped error code ${String(value)}`);
}
