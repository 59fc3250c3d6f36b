/** A queue operation that did not finish in time: Redis is down or not answering. */
export class QueueUnavailableError extends Error {
  constructor(what: string, timeoutMs: number) {
    super(`${what}: redis did not answer within ${timeoutMs} ms`);
    this.name = 'QueueUnavailableError';
  }
}

/**
 * Settles with `work`, or rejects with QueueUnavailableError after `timeoutMs`. BullMQ waits for a reconnect
 * before it sends a command (and ioredis queues commands while offline), so on a request path every queue call
 * goes through this: the caller then fails open (the work is recorded in PostgreSQL and requeued later) instead
 * of hanging. The abandoned operation may still complete once Redis is back; jobs whose ids derive from their
 * rows make that harmless.
 */
export async function withQueueDeadline<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new QueueUnavailableError(what, timeoutMs)), timeoutMs);
  });
  work.catch(() => undefined); // a late failure of the abandoned operation is not an unhandled rejection
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
