import { types } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '@cargohold/migrations';

// bigint columns hold ids, sizes and counts far below 2^53: read them as numbers, not strings.
types.setTypeParser(20, (value: string) => Number(value));

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
    extra: { connectionTimeoutMillis: 5000, idleTimeoutMillis: 30000 },
  });
}
