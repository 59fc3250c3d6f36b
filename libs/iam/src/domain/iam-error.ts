/** What went wrong, independent of transport. apps/api maps each code to an HTTP status once. */
export enum IamErrorCode {
  NOT_FOUND = 'NOT_FOUND',
  FORBIDDEN = 'FORBIDDEN',
  UNAUTHORIZED = 'UNAUTHORIZED',
  CONFLICT = 'CONFLICT',
  INVALID = 'INVALID',
  /** Well-formed but cannot be applied in the current state (GitLab answers 422). */
  UNPROCESSABLE = 'UNPROCESSABLE',
  /** Refused for now to protect shared capacity (password checks); retry after `retryAfterSeconds`. */
  TOO_MANY_REQUESTS = 'TOO_MANY_REQUESTS',
  /** The route does not apply to this kind of credential (GitLab's `not_allowed!`, 405). */
  METHOD_NOT_ALLOWED = 'METHOD_NOT_ALLOWED',
}

/**
 * The one error libs/iam throws on purpose. `message` is GitLab's wording without the status prefix
 * (e.g. "Project Not Found"); `field` names the offending attribute for validation failures.
 */
export class IamError extends Error {
  constructor(
    readonly code: IamErrorCode,
    message: string,
    readonly field?: string,
    /** Set for TOO_MANY_REQUESTS: how long the client should wait (Retry-After). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'IamError';
  }

  static notFound(what: string): IamError {
    return new IamError(IamErrorCode.NOT_FOUND, `${what} Not Found`);
  }

  static forbidden(message = 'Forbidden'): IamError {
    return new IamError(IamErrorCode.FORBIDDEN, message);
  }

  static unauthorized(): IamError {
    return new IamError(IamErrorCode.UNAUTHORIZED, 'Unauthorized');
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
