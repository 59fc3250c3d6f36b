/**
 * A startup failure the user can fix (unreachable backend, missing binary, failed migration). The launcher
 * prints only its message, one line where possible, never a stack trace.
 */
export class StartupError extends Error {}

/**
 * A readable reason for any thrown value. Duck-typed rather than `instanceof Error`, because errors can come
 * from another realm (node-postgres is loaded through Node's own loader, outside jest's sandbox). Node
 * reports a refused connection to a name with several addresses (localhost = ::1 and 127.0.0.1) as an
 * AggregateError with an empty message, so its inner errors are spelled out.
 */
export function describeError(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const { message, code, errors } = error as { message?: unknown; code?: unknown; errors?: unknown };
  if (typeof message === 'string' && message) return message;
  if (Array.isArray(errors) && errors.length) return errors.map(describeError).join('; ');
  if (typeof code === 'string') return code;
  return String(error);
}
