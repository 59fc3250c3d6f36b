import { DomainError } from '@cargohold/common';

/**
 * The codes the registry management and cleanup policy services throw (a subset of DomainErrorCode). Invalid
 * rules are refused with their own errors, which name the rule: RetentionRuleError, CleanupPolicyError.
 */
export const ManagementErrorCode = {
  NOT_FOUND: 'NOT_FOUND',
  /** A well-formed request that cannot be honoured now. */
  BAD_REQUEST: 'BAD_REQUEST',
  /** A restore whose tag name is taken again. */
  CONFLICT: 'CONFLICT',
  /** A restore too late: the window has passed or the manifest is gone. */
  GONE: 'GONE',
} as const;
export type ManagementErrorCode = (typeof ManagementErrorCode)[keyof typeof ManagementErrorCode];

/** What the registry management API can refuse, of the domain error family (DomainError). */
export class ManagementError extends DomainError<ManagementErrorCode> {
  constructor(code: ManagementErrorCode, message: string) {
    super(code, message);
  }

  static notFound(what: 'Repository' | 'Tag' | 'Deleted tag'): ManagementError {
    return new ManagementError(ManagementErrorCode.NOT_FOUND, `${what} Not Found`);
  }

  static badRequest(message: string): ManagementError {
    return new ManagementError(ManagementErrorCode.BAD_REQUEST, message);
  }

  static conflict(message: string): ManagementError {
    return new ManagementError(ManagementErrorCode.CONFLICT, message);
  }

  static gone(message: string): ManagementError {
    return new ManagementError(ManagementErrorCode.GONE, message);
  }
}
