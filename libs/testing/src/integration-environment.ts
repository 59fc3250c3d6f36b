import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDataSource, DataSource, runMigrations, typedQuery } from '@cargohold/db';
import { FilesystemBlobStore } from '@cargohold/storage';
import { createTestDatabase, TestDatabase } from './test-database';
import { connectTestRedis, TestRedis } from './test-redis';

/**
 * What an integration spec runs lib services and repositories against: its own PostgreSQL database with the real
 * migrations applied, the machine's Redis under a key prefix of its own, and a filesystem blob store in a temporary
 * directory. Each spec file makes one, so files run in parallel without seeing each other's rows, keys or bytes.
 */
export interface IntegrationEnvironment {
  /** The database: its name and URL (its plain client reads bigint as strings, as pg does by default). */
  database: TestDatabase;
  /** A DataSource on that database, as the processes create it (bigint parsed as number), migrated and initialised. */
  dataSource: DataSource;
  /** Runs SQL through the DataSource, so rows read as the repositories read them: for fixtures and assertions. */
  query<Row extends object = Record<string, unknown>>(sql: string, parameters?: unknown[]): Promise<Row[]>;
  /** The machine's Redis. Write keys under `redis.prefix` only: close() deletes exactly those. */
  redis: TestRedis;
  store: FilesystemBlobStore;
  /** The blob store's root, for asserting on stored bytes. */
  storageRoot: string;
  /** Deletes the keys under the prefix, closes the connections, drops the database and removes the directory. */
  close(): Promise<void>;
}

export interface IntegrationEnvironmentOptions {
  /** Connections of the DataSource: enough for the concurrency a spec drives, few enough for parallel files. */
  poolSize?: number;
}

export async function createIntegrationEnvironment(options: IntegrationEnvironmentOptions = {}): Promise<IntegrationEnvironment> {
  const database = await createTestDatabase('ch_int');
  const closers: Array<() => Promise<unknown>> = [() => database.drop()];
  const close = async () => {
    // In reverse order of creation; every step runs even when one fails, then the first failure is reported.
    let failure: unknown;
    for (const closer of closers.splice(0).reverse()) {
      try {
        await closer();
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure) throw failure;
  };
  try {
    await runMigrations(database.url);
    const dataSource = await createDataSource(database.url, { poolSize: options.poolSize ?? 4, applicationName: 'cargohold-integration' }).initialize();
    closers.push(() => dataSource.destroy());

    const redis = await connectTestRedis('int');
    closers.push(() => redis.close());

    const storageRoot = await mkdtemp(join(tmpdir(), 'ch-int-store-'));
    closers.push(() => rm(storageRoot, { recursive: true, force: true }));
    const store = new FilesystemBlobStore(storageRoot);

    const query = <Row extends object>(sql: string, parameters: unknown[] = []) => typedQuery<Row>(dataSource, sql, parameters);
    return { database, dataSource, query, redis, store, storageRoot, close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}
