import { DomainError } from '@cargohold/common';
import { ProtectionRefusal } from './protection-rules';

/** The codes the protection rule service throws (a subset of DomainErrorCode). */
export type ProtectionErrorCode = 'NOT_FOUND' | 'FORBIDDEN' | 'INVALID_PARAMETER' | 'UNPROCESSABLE' | 'PROTECTED';

/**
 * Refusals of the protection rule API (GitLab's statuses: 404 unknown rule, 400 a parameter, 422 a rule that cannot
 * be saved) and of pushes and deletes by a rule (`PROTECTED`: 403 with the rule's words on REST; /v2/ answers
 * 403 DENIED through RegistryError instead).
 */
export class ProtectionError extends DomainError<ProtectionErrorCode> {
  constructor(
    code: ProtectionErrorCode,
    message: string,
    field?: string,
    /** For PROTECTED: what was refused. */
    readonly refusal?: ProtectionRefusal,
  ) {
    super(code, message, { field });
  }

  static refused(refusal: ProtectionRefusal): ProtectionError {
    return new ProtectionError('PROTECTED', refusal.message, undefined, refusal);
  }

  static notFound(): ProtectionError {
    return new ProtectionError('NOT_FOUND', 'Protection rule Not Found');
  }

  static invalidParameter(message: string): ProtectionError {
    return new ProtectionError('INVALID_PARAMETER', message);
  }

  /** GitLab's model errors: `{"message": {"<field>": ["<problem>"]}}` with 422. */
  static unprocessable(message: string, field?: string): ProtectionError {
    return new ProtectionError('UNPROCESSABLE', message, field);
  }

  static forbidden(message: string): ProtectionError {
    return new ProtectionError('FORBIDDEN', message);
  }
}

export function isProtectionRefusal(error: unknown): error is ProtectionError & { refusal: ProtectionRefusal } {
  return error instanceof ProtectionError && error.refusal !== undefined;
}
