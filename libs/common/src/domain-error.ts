/**
 * What domain code (libs/iam, libs/registry's management, cleanup and webhook services) refuses on purpose,
 * independent of transport. One family: each module throws its own subclass (IamError, ManagementError,
 * WebhookUrlError, ...) with a subset of these codes, and apps/api maps every code once, with an exhaustive
 * switch (apps/api/src/rest/rest-errors.ts: GitLab's body on /api/v4, the token service's on /jwt/auth).
 * The registry protocol (/v2/) has its own codes, the OCI spec's: RegistryError in libs/registry.
 *
 * Adding a code: add it here with what it means; the switch in rest-errors.ts then fails to compile until the
 * code has a status and a body. A module that throws it adds it to its own subset too.
 */
export type DomainErrorCode =
  /** Something named does not exist, or the caller may not know that it does. */
  | 'NOT_FOUND'
  /** No (valid) credentials. */
  | 'UNAUTHORIZED'
  /** Credentials are fine, the caller may not do this. */
  | 'FORBIDDEN'
  /** The change collides with existing state (a name taken, a last owner). */
  | 'CONFLICT'
  /** What is asked for existed but is gone for good (a deleted tag whose manifest was collected). */
  | 'GONE'
  /** A value fails validation; with `field`, the attribute it belongs to (GitLab's model errors). */
  | 'INVALID'
  /** A request parameter is unusable: the message starts with the parameter's name (GitLab's Grape errors). */
  | 'INVALID_PARAMETER'
  /** A well-formed request that cannot be honoured now; the message is said as is. */
  | 'BAD_REQUEST'
  /** Well-formed but cannot be applied in the current state; with `field`, the attribute it belongs to. */
  | 'UNPROCESSABLE'
  /** Refused for now to protect shared capacity; `retryAfterSeconds` says when to come back. */
  | 'TOO_MANY_REQUESTS'
  /** The route does not apply to this kind of caller or credential. */
  | 'METHOD_NOT_ALLOWED'
  /** A protection rule refuses the change (a protected or immutable tag, a protected repository); the message names the rule. */
  | 'PROTECTED';

export interface DomainErrorOptions {
  /** The attribute a validation failure is about. */
  field?: string;
  /** For TOO_MANY_REQUESTS: how long the client should wait. */
  retryAfterSeconds?: number;
}

export class DomainError<C extends DomainErrorCode = DomainErrorCode> extends Error {
  readonly field?: string;
  readonly retryAfterSeconds?: number;

  constructor(
    readonly code: C,
    message: string,
    options: DomainErrorOptions = {},
  ) {
    super(message);
    this.name = new.target.name;
    this.field = options.field;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
