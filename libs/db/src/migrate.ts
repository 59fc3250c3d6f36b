import { createDataSource } from './data-source';

/** Any constant works; it only has to be the same in every replica that may start at once. */
const MIGRATION_LOCK_KEY = 7_215_004_411;

/**
 * Applies pending migrations under a PostgreSQL advisory lock, so several replicas starting
 * together apply each migration exactly once. Returns the names of the migrations applied.
 */
export async function runMigrations(databaseUrl: string): Promise<string[]> {
  const dataSource = createDataSource(databaseUrl, { poolSize: 2, applicationName: 'cargohold-migrate' });
  await dataSource.initialize();
  const lock = dataSource.createQueryRunner();
  try {
    await lock.connect();
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((migration) => migration.name);
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await lock.release();
    await dataSource.destroy();
  }
}
