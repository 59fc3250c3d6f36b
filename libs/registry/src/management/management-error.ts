/** What the registry management API can refuse, independent of HTTP; apps/api maps each code once (rest-errors.ts). */
export enum ManagementErrorCode {
  /** GitLab: 404 `{"message": "404 <What> Not Found"}`. */
  NOT_FOUND = 'NOT_FOUND',
  /** A parameter is unusable: GitLab's 400 `{"error": "<param> <problem>"}`. */
  INVALID_PARAMETER = 'INVALID_PARAMETER',
  /** A well-formed request that cannot be honoured now: GitLab's 400 `{"message": "..."}`. */
  BAD_REQUEST = 'BAD_REQUEST',
}

export class ManagementError extends Error {
  constructor(
    readonly code: ManagementErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ManagementError';
  }

  static notFound(what: 'Repository' | 'Tag'): ManagementError {
    return new ManagementError(ManagementErrorCode.NOT_FOUND, `${what} Not Found`);
  }

  static invalidParameter(message: string): ManagementError {
    return new ManagementError(ManagementErrorCode.INVALID_PARAMETER, message);
  }

  static badRequest(message: string): ManagementError {
    return new ManagementError(ManagementErrorCode.BAD_REQUEST, message);
  }
}
