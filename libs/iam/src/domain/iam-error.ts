import { DomainError } from '@cargohold/common';

/** The codes libs/iam throws (a subset of DomainErrorCode, where each is explained). */
export const IamErrorCode = {
  NOT_FOUND: 'NOT_FOUND',
  FORBIDDEN: 'FORBIDDEN',
  UNAUTHORIZED: 'UNAUTHORIZED',
  CONFLICT: 'CONFLICT',
  INVALID: 'INVALID',
  /** Well-formed but cannot be applied in the current state (GitLab answers 422). */
  UNPROCESSABLE: 'UNPROCESSABLE',
  /** Refused for now to protect shared capacity (password checks); retry after `retryAfterSeconds`. */
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
  /** The route does not apply to this kind of credential (GitLab's `not_allowed!`). */
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
} as const;
export type IamErrorCode = (typeof IamErrorCode)[keyof typeof IamErrorCode];

/**
 * The one error libs/iam throws on purpose, of the domain error family (DomainError). `message` is GitLab's
 * wording without the status prefix (e.g. "Project Not Found"); `field` names the offending attribute for
 * validation failures.
 */
export class IamError extends DomainError<IamErrorCode> {
  constructor(code: IamErrorCode, message: string, field?: string, retryAfterSeconds?: number) {
    super(code, message, { field, retryAfterSeconds });
  }

  static notFound(what: string): IamError {
    return new IamError(IamErrorCode.NOT_FOUND, `${what} Not Found`);
  }

  static forbidden(message = 'Forbidden'): IamError {
    return new IamError(IamErrorCode.FORBIDDEN, message);
  }

  /** `message` is for surfaces that say why (the token service); the REST API answers "401 Unauthorized". */
  static unauthorized(message = 'Unauthorized'): IamError {
    return new IamError(IamErrorCode.UNAUTHORIZED, message);
  }

  static conflict(message: string): IamError {
    return new IamError(IamErrorCode.CONFLICT, message);
  }

  static unprocessable(message: string): IamError {
    return new IamError(IamErrorCode.UNPROCESSABLE, message);
  }

  static tooManyRequests(message: string, retryAfterSeconds: number): IamError {
    return new IamError(IamErrorCode.TOO_MANY_REQUESTS, message, undefined, retryAfterSeconds);
  }

  static methodNotAllowed(): IamError {
    return new IamError(IamErrorCode.METHOD_NOT_ALLOWED, 'Method Not Allowed');
  }

  static invalid(message: string, field?: string): IamError {
    return new IamError(IamErrorCode.INVALID, message, field);
  }
}
