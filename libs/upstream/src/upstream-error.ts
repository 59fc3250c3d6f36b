/**
 * Why an upstream registry did not give what was asked, told apart because the pull-through engine acts on each
 * differently: `not_found` moves on to the next upstream; `unauthorized`, `rate_limited` and `unavailable` are
 * upstream failures (a cached manifest is served stale instead); `invalid` is an upstream answer that cannot be
 * trusted (a digest that does not match, a manifest over the size limit, a malformed response).
 */
export type UpstreamErrorKind = 'not_found' | 'unauthorized' | 'rate_limited' | 'unavailable' | 'invalid';

export class UpstreamError extends Error {
  constructor(
    readonly kind: UpstreamErrorKind,
    message: string,
    readonly details: { status?: number; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = 'UpstreamError';
  }

  /** An upstream failure (down, refusing, throttling) rather than an answer: what stale-if-error covers. */
  get isFailure(): boolean {
    return this.kind === 'unavailable' || this.kind === 'rate_limited' || this.kind === 'unauthorized';
  }
}

/** The kind of error an upstream status means, for statuses that are not success. */
export function errorKindOfStatus(status: number): UpstreamErrorKind {
  if (status === 404) return 'not_found';
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'unavailable';
  return 'invalid';
}
