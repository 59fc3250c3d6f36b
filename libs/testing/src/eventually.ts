/**
 * Retries `check` until it passes or `timeoutMs` has gone by (then its last error is thrown): for figures that
 * background work writes on an interval, such as the api's batched pull statistics or a worker's jobs.
 */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 20_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
