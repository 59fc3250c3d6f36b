/** PostgreSQL error codes the services react to. */
export const PG_UNIQUE_VIOLATION = '23505';
export const PG_FOREIGN_KEY_VIOLATION = '23503';

export function isPgError(error: unknown, code: string): boolean {
  const candidate = error as { code?: string; driverError?: { code?: string } };
  return candidate?.code === code || candidate?.driverError?.code === code;
}

/** True when the database could not be reached at all (as opposed to a query that failed). */
export function isConnectionError(error: unknown): boolean {
  const candidate = error as { code?: string; message?: string; driverError?: { code?: string } };
  const code = candidate?.driverError?.code ?? candidate?.code;
  if (code && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P03', '08006', '08001'].includes(code)) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    candidate?.message ?? '',
  );
}
