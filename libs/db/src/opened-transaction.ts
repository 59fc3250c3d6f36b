import { DataSource, EntityManager } from 'typeorm';

/**
 * A transaction whose BEGIN travels with its first statement in one round trip: `START TRANSACTION; <opening>` as
 * one simple query, then `work` on the transaction's connection, then COMMIT (ROLLBACK when `work` throws), the
 * connection released as TypeORM's `transaction` releases it. That one sends the BEGIN alone: a round trip of its
 * own on paths that run thousands of times a second (a manifest PUT is eight). The simple protocol takes no
 * parameters, so `opening` is built only from integers the caller checked (`sqlInteger`); `work` must not open a
 * transaction of its own.
 */
export async function transactionOpenedWith<T>(dataSource: DataSource, opening: string, work: (db: EntityManager) => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query(`START TRANSACTION; ${opening}`);
    const result = await work(runner.manager);
    await runner.query('COMMIT');
    return result;
  } catch (error) {
    // Whatever failed (the opening, the work or the COMMIT), the connection goes back to the pool outside a transaction.
    await runner.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await runner.release();
  }
}

/** `value` as SQL text, for statements sent without parameters; refuses anything but a safe integer. */
export function sqlInteger(value: number): string {
  if (!Number.isSafeInteger(value)) throw new Error(`not an integer: ${value}`);
  return String(value);
}
