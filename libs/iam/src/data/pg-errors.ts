/**
 * PostgreSQL's unique_violation. Checked here rather than through @cargohold/db so that importing libs/iam does not
 * pull in the migrations (which jest's module mapping cannot resolve).
 */
export function isUniqueViolation(error: unknown): boolean {
  const candidate = error as { code?: string; driverError?: { code?: string } };
  return candidate?.code === '23505' || candidate?.driverError?.code === '23505';
}
