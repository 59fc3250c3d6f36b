import { execute, isPgError, PG_UNIQUE_VIOLATION, prepared, queryOne, typedQuery } from '@cargohold/db';
import { createIntegrationEnvironment, IntegrationEnvironment } from '@cargohold/testing';

/**
 * Named prepared statements (libs/db `prepared`) run on the right connection: the pool outside a transaction, the
 * transaction's own connection inside one (they see its uncommitted rows and roll back with it), read bigint as a
 * number like TypeORM's queries, and fail with PostgreSQL's error codes.
 */
describe('prepared statements through typedQuery', () => {
  let env: IntegrationEnvironment;
  const INSERT = prepared('spec_insert_setting', `INSERT INTO prepared_spec (id, n) VALUES ($1, $2) RETURNING id, n`);
  const FIND = prepared('spec_find_setting', `SELECT id, n FROM prepared_spec WHERE id = $1`);

  beforeAll(async () => {
    env = await createIntegrationEnvironment();
    await execute(env.dataSource.manager, `CREATE TABLE prepared_spec (id int PRIMARY KEY, n bigint NOT NULL)`);
  });
  afterAll(() => env.close());

  it('runs on the pool and reads bigint as a number, the same statement many times', async () => {
    const inserted = await queryOne<{ id: number; n: number }>(env.dataSource.manager, INSERT, [1, 2 ** 40]);
    expect(inserted).toEqual({ id: 1, n: 2 ** 40 });
    for (let i = 0; i < 8; i++) expect(await queryOne(env.dataSource.manager, FIND, [1])).toEqual({ id: 1, n: 2 ** 40 });
    expect(await typedQuery(env.dataSource, FIND, [404])).toEqual([]);
  });

  it('runs inside a transaction on its connection: sees its rows, and they roll back with it', async () => {
    await expect(
      env.dataSource.transaction(async (tx) => {
        await queryOne(tx, INSERT, [2, 7]);
        expect(await queryOne(tx, FIND, [2])).toEqual({ id: 2, n: 7 });
        // Another connection does not see the uncommitted row.
        expect(await queryOne(env.dataSource.manager, FIND, [2])).toBeNull();
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await queryOne(env.dataSource.manager, FIND, [2])).toBeNull();
  });

  it('fails with the PostgreSQL error code', async () => {
    const error = await queryOne(env.dataSource.manager, INSERT, [1, 3]).catch((e: unknown) => e);
    expect(isPgError(error, PG_UNIQUE_VIOLATION)).toBe(true);
  });
});
