import { existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { execute, queryOne, typedQuery } from '@cargohold/db';
import { MIGRATIONS } from '@cargohold/migrations';
import { createIntegrationEnvironment, IntegrationEnvironment } from './integration-environment';
import { connectTestRedis } from './test-redis';
import { TEST_DATABASE_ADMIN_URL } from './test-database';
import { Client } from 'pg';

/** The harness itself, and the typed query helper every repository reads rows through, against the real schema. */
describe('createIntegrationEnvironment and typedQuery (integration)', () => {
  let env: IntegrationEnvironment;

  beforeAll(async () => {
    env = await createIntegrationEnvironment();
  });
  afterAll(() => env?.close());

  it('applies every migration to a database of its own', async () => {
    const applied = await typedQuery<{ name: string }>(env.dataSource, `SELECT name FROM schema_migrations ORDER BY id`);
    expect(applied.map((row) => row.name)).toEqual(MIGRATIONS.map((migration) => migration.name));
    expect(env.database.name).toMatch(/^ch_int_/);
  });

  it('types rows, unwraps UPDATE ... RETURNING, answers null for no row, and parses bigint as a number', async () => {
    const manager = env.dataSource.manager;
    await execute(manager, `INSERT INTO users (username, name) VALUES ($1, $1), ($2, $2)`, ['typed-a', 'typed-b']);
    const rows = await typedQuery<{ id: number; username: string; createdAt: Date }>(
      manager,
      `SELECT id, username, created_at AS "createdAt" FROM users WHERE username LIKE 'typed-%' ORDER BY username`,
    );
    expect(rows.map((row) => row.username)).toEqual(['typed-a', 'typed-b']);
    expect(typeof rows[0].id).toBe('number');
    expect(rows[0].createdAt).toBeInstanceOf(Date);

    // TypeORM answers UPDATE and DELETE with [rows, count]; the helper gives the rows either way.
    const renamed = await typedQuery<{ username: string }>(manager, `UPDATE users SET name = 'x' WHERE username LIKE 'typed-%' RETURNING username`);
    expect(renamed.map((row) => row.username).sort()).toEqual(['typed-a', 'typed-b']);
    expect(await typedQuery(manager, `DELETE FROM users WHERE username = 'nobody' RETURNING id`)).toEqual([]);
    expect(await queryOne<{ n: number }>(manager, `SELECT count(*) AS n FROM users WHERE username LIKE 'typed-%'`)).toEqual({ n: 2 });
    expect(await queryOne(manager, `SELECT 1 FROM users WHERE false`)).toBeNull();
    // Only the DataSource's own connections parse bigint: other pg clients in the process keep pg's default (strings).
    expect(await env.database.query(`SELECT count(*) AS n FROM users WHERE username LIKE 'typed-%'`)).toEqual([{ n: '2' }]);
    expect(await env.query(`SELECT count(*) AS n FROM users WHERE username LIKE 'typed-%'`)).toEqual([{ n: 2 }]);

    // Inside a transaction, with its EntityManager.
    await env.dataSource.transaction(async (tx) => {
      await execute(tx, `DELETE FROM users WHERE username = $1`, ['typed-b']);
      expect(await queryOne<{ n: number }>(tx, `SELECT count(*)::int AS n FROM users WHERE username LIKE 'typed-%'`)).toEqual({ n: 1 });
    });
  });

  it('stores blobs in its own directory', async () => {
    await env.store.createUpload('0f9b8a2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b');
    expect(await env.store.appendUpload('0f9b8a2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b', 0, Readable.from([Buffer.from('bytes')]))).toBe(5);
    expect(await text(await env.store.readUpload('0f9b8a2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b'))).toBe('bytes');
    expect(existsSync(`${env.storageRoot}/uploads/0f9b8a2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b`)).toBe(true);
  });

  it('deletes only its own Redis keys, and drops its database and directory on close', async () => {
    const other = await connectTestRedis('int-other');
    try {
      await env.redis.redis.set(`${env.redis.prefix}:a`, '1');
      await env.redis.redis.set(`${env.redis.prefix}:b`, '2', 'EX', 60);
      await other.redis.set(`${other.prefix}:kept`, '3');
      expect((await env.redis.keys()).sort()).toEqual([`${env.redis.prefix}:a`, `${env.redis.prefix}:b`]);

      const second = await createIntegrationEnvironment();
      await second.redis.redis.set(`${second.redis.prefix}:x`, '1');
      await second.close();
      expect(await second.redis.keys().catch(() => 'closed')).toBe('closed');
      expect(existsSync(second.storageRoot)).toBe(false);
      const admin = new Client({ connectionString: TEST_DATABASE_ADMIN_URL });
      await admin.connect();
      try {
        expect((await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [second.database.name])).rows).toEqual([]);
      } finally {
        await admin.end();
      }
      expect(await env.redis.keys()).toHaveLength(2);
      expect(await other.keys()).toEqual([`${other.prefix}:kept`]);
    } finally {
      await other.close();
    }
    expect(await env.redis.redis.exists(`${other.prefix}:kept`)).toBe(0);
  });
});
