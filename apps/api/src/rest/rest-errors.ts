import { HttpException } from '@nestjs/common';
import { isConnectionError } from '@cargohold/db';
import { IamError, IamErrorCode } from '@cargohold/iam';
import { ManagementError, ManagementErrorCode } from '@cargohold/registry';

/** A GitLab-shaped error response. */
export interface RestErrorResponse {
  status: number;
  body: Record<string, unknown>;
  /** Extra response headers (Retry-After on 429). */
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

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
};

/**
 * The one mapping from domain errors to REST responses. Each domain's codes are switched over exhaustively,
 * so adding a code without deciding its status fails to compile. New error families (the registry
 * management API's) get their own function here and a branch in `restErrorFor`.
 */
export function restErrorFor(error: unknown): RestErrorResponse | null {
  // PostgreSQL unreachable: a retryable 503, not a 500 (the registry answers OCI UNAVAILABLE the same way).
  if (isConnectionError(error)) return { status: 503, body: { message: '503 Service Unavailable - the metadata database is unavailable, retry later' } };
  if (error instanceof IamError) return iamError(error);
  if (error instanceof ManagementError) return managementError(error);
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

function iamError(error: IamError): RestErrorResponse {
  switch (error.code) {
    case IamErrorCode.NOT_FOUND:
      return { status: 404, body: { message: `404 ${error.message}` } };
    case IamErrorCode.UNAUTHORIZED:
      return { status: 401, body: { message: '401 Unauthorized' } };
    case IamErrorCode.FORBIDDEN:
      return { status: 403, body: { message: error.message === 'Forbidden' ? '403 Forbidden' : `403 Forbidden - ${error.message}` } };
    case IamErrorCode.CONFLICT:
      return { status: 409, body: { message: error.message } };
    case IamErrorCode.INVALID:
      // GitLab reports model validation as {"message": {"field": ["problem"]}}, other bad requests as "400 Bad request - ...".
      return { status: 400, body: { message: error.field ? { [error.field]: [error.message] } : `400 Bad request - ${error.message}` } };
    case IamErrorCode.UNPROCESSABLE:
      return { status: 422, body: { message: error.message } };
    case IamErrorCode.TOO_MANY_REQUESTS:
      return { status: 429, body: { message: `429 Too Many Requests - ${error.message}` }, headers: { 'Retry-After': String(error.retryAfterSeconds ?? 1) } };
    case IamErrorCode.METHOD_NOT_ALLOWED:
      return { status: 405, body: { message: '405 Method Not Allowed' } };
    default:
      return assertNever(error.code);
  }
}

/** The registry management API (libs/registry/src/management). */
function managementError(error: ManagementError): RestErrorResponse {
  switch (error.code) {
    case ManagementErrorCode.NOT_FOUND:
      return { status: 404, body: { message: `404 ${error.message}` } };
    case ManagementErrorCode.INVALID_PARAMETER:
      return { status: 400, body: { error: error.message } };
    case ManagementErrorCode.BAD_REQUEST:
      return { status: 400, body: { message: error.message } };
    default:
      return assertNever(error.code);
  }
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

function assertNever(value: never): never {
  throw new Error(`unmapped error code ${String(value)}`);
}
