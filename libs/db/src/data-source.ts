import { types } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '@cargohold/migrations';

const BIGINT_OID = 20;

/**
 * bigint columns hold ids, sizes and counts far below 2^53: this DataSource's connections read them as numbers, not
 * strings. Per connection (node-postgres' `types` option), not through pg's process-wide parser table, so loading
 * this module changes nothing for other clients in the process (tests' own pg clients, the launcher's probes).
 * Arrays of bigint still come back as strings: their parser is pg's own.
 */
const TYPE_PARSERS = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === BIGINT_OID && format !== 'binary' ? (value: string) => Number(value) : types.getTypeParser(oid, format),
};

export interface DataSourceOptions {
  poolSize?: number;
  applicationName?: string;
}

/** The one way a process talks to PostgreSQL. The schema comes only from migrations, never synchronize. */
export function createDataSource(url: string, options: DataSourceOptions = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    entities: [],
    poolSize: options.poolSize ?? 20,
    applicationName: options.applicationName ?? 'cargohold',
    extra: { connectionTimeoutMillis: 5000, idleTimeoutMillis: 30000, types: TYPE_PARSERS },
  });
}
