import { Logger } from '@cargohold/common';

/**
 * Queues the job of work already committed to PostgreSQL, or leaves it to the worker's stranded-work requeuer
 * when Redis does not take it in time (JobProducer gives up after its deadline). Never throws: the request that
 * recorded the work succeeded whether or not its job is queued now.
 */
export async function queueOrDefer(logger: Logger, what: string, queue: () => Promise<unknown>): Promise<void> {
  try {
    await queue();
  } catch (error) {
    logger.warn({ err: error, work: what }, 'job not queued now (redis unavailable); the stranded-work requeuer queues it later');
  }
}
