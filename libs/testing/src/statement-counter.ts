import { Client } from 'pg';

/**
 * Runs `work` and counts the statements every pg client of this process sends meanwhile: TypeORM's queries and the
 * named prepared statements of libs/db alike (both end in `Client.query`), so a spec can pin how many round trips
 * an operation costs. Not for concurrent use: it patches the prototype for the duration of `work`.
 */
export async function countStatements<T>(work: () => Promise<T>): Promise<{ result: T; count: number }> {
  const original = Client.prototype.query;
  let count = 0;
  Client.prototype.query = function (this: Client, ...args: unknown[]) {
    count++;
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof Client.prototype.query;
  try {
    const result = await work();
    return { result, count };
  } finally {
    Client.prototype.query = original;
  }
}
