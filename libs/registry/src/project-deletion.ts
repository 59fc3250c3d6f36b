import { EntityManager } from 'typeorm';
import { queueBlobReviewOfProject } from './data/blob.repository';
import { RegistryContext } from './registry-context';

/**
 * The registry's part of deleting a project (libs/iam ProjectService.delete runs it in the deleting transaction,
 * before the cascade): every blob the project's repositories link is queued for GC review, so bytes only that
 * project used are reclaimed.
 */
export function registryBeforeProjectDelete(ctx: RegistryContext): (db: EntityManager, projectId: number) => Promise<void> {
  return (db, projectId) => queueBlobReviewOfProject(db, projectId, ctx.settings.gcReviewDelay);
}
