/**
 * What runs SQL: the DataSource, an EntityManager (a transaction's, or the DataSource's `manager`) or a QueryRunner.
 * Structural, so libs that only pass a handle through need not name TypeORM's classes.
 */
export interface SqlRunner {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * A statement PostgreSQL parses and plans once per connection (a named prepared statement of node-postgres), for
 * the hot paths that run the same text thousands of times a second (blob HEAD, the project lookup of every push).
 * TypeORM's `query()` sends every statement unnamed, so the server parses and plans it each time, and builds a
 * QueryRunner around it; a prepared statement goes straight to the pool's (or the transaction's) pg client.
 * The text must be constant: a name stands for one text on every connection.
 */
export interface PreparedSql {
  readonly name: string;
  readonly text: string;
}

export function prepared(name: string, text: string): PreparedSql {
  return { name, text };
}

interface PgQueryable {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/**
 * The pg client or pool behind a runner: a transaction's connection (an EntityManager with a QueryRunner, or the
 * QueryRunner itself), otherwise the DataSource's pool. Undefined for anything else (then TypeORM runs it unnamed).
 */
function pgOf(db: SqlRunner): PgQueryable | undefined {
  const candidate = db as {
    queryRunner?: { databaseConnection?: PgQueryable; isReleased?: boolean };
    databaseConnection?: PgQueryable;
    connection?: { driver?: { master?: PgQueryable } };
    driver?: { master?: PgQueryable };
  };
  if (candidate.queryRunner) return candidate.queryRunner.isReleased ? undefined : candidate.queryRunner.databaseConnection;
  if ('databaseConnection' in candidate) return candidate.databaseConnection;
  return candidate.connection?.driver?.master ?? candidate.driver?.master;
}

async function run(db: SqlRunner, sql: string | PreparedSql, parameters: readonly unknown[]): Promise<unknown> {
  if (typeof sql === 'string') return db.query(sql, [...parameters]);
  const pg = pgOf(db);
  if (!pg) return db.query(sql.text, [...parameters]);
  return (await pg.query({ name: sql.name, text: sql.text, values: [...parameters] })).rows;
}

/**
 * The rows of one statement, typed as the caller declares them. TypeORM's `query()` answers `any`, so the shape a
 * repository reads would otherwise never be checked: name the row type here, once, next to the SQL that makes it
 * (column aliases in the SQL, fields in the type), and everything after is compiled against it.
 *
 * The row type must describe what node-postgres returns: bigint as number (see data-source.ts), numeric as string,
 * timestamps as Date, json/jsonb parsed, bytea as Buffer, arrays as arrays. The integration specs run every
 * repository against the real schema, which is where a row type that lies is caught.
 *
 * An UPDATE or DELETE with RETURNING gives its rows too (TypeORM wraps those as `[rows, rowCount]`; unwrapped here).
 * One statement per call.
 */
export async function typedQuery<Row extends object>(db: SqlRunner, sql: string | PreparedSql, parameters: readonly unknown[] = []): Promise<Row[]> {
  return rowsOf<Row>(await run(db, sql, parameters));
}

/** The first row of a statement, or null when it returned none. */
export async function queryOne<Row extends object>(db: SqlRunner, sql: string | PreparedSql, parameters: readonly unknown[] = []): Promise<Row | null> {
  const rows = await typedQuery<Row>(db, sql, parameters);
  return rows[0] ?? null;
}

/** A statement run for its effect only (INSERT, UPDATE or DELETE without RETURNING, locks, settings). */
export async function execute(db: SqlRunner, sql: string | PreparedSql, parameters: readonly unknown[] = []): Promise<void> {
  await run(db, sql, parameters);
}

function rowsOf<Row>(raw: unknown): Row[] {
  // node-postgres returns rows as objects, never arrays, so `[array, number]` can only be TypeORM's UPDATE/DELETE form.
  if (Array.isArray(raw) && raw.length === 2 && Array.isArray(raw[0]) && typeof raw[1] === 'number') return raw[0] as Row[];
  if (Array.isArray(raw)) return raw as Row[];
  throw new Error('the statement returned no row list: typedQuery runs one statement per call');
}
