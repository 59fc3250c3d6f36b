import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { AppConfig } from '@cargohold/config';

/** What the launcher stores for the embedded PostgreSQL (libs/embedded), database `cargohold`. */
interface EmbeddedPgState {
  port: number;
  user: string;
  password: string;
}

export class DatabaseUnavailableError extends Error {}

/**
 * DATABASE_URL when set; otherwise the embedded PostgreSQL the launcher started under DATA_DIR (its credentials
 * are in embedded-pg.json); otherwise a one-line explanation of what to do.
 */
export function resolveDatabaseUrl(config: AppConfig): { url: string; embedded: boolean } {
  if (config.databaseUrl) return { url: config.databaseUrl, embedded: false };
  const statePath = path.join(config.dataDir, 'embedded-pg.json');
  let state: EmbeddedPgState;
  try {
    state = JSON.parse(readFileSync(statePath, 'utf8')) as EmbeddedPgState;
  } catch {
    throw new DatabaseUnavailableError(
      `DATABASE_URL is not set and there is no embedded database in ${config.dataDir}: set DATABASE_URL, or start the platform once (pnpm start)`,
    );
  }
  if (!Number.isInteger(state.port) || !state.user || typeof state.password !== 'string') {
    throw new DatabaseUnavailableError(`${statePath} is not valid: set DATABASE_URL`);
  }
  const url = `postgres://${encodeURIComponent(state.user)}:${encodeURIComponent(state.password)}@127.0.0.1:${state.port}/cargohold`;
  return { url, embedded: true };
}
