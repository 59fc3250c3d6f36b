import { EntityManager } from 'typeorm';
import { JobTokenPairTable } from './job-token-pair-table';
import { PageRequest, Paged } from './paging';

/**
 * The `job_token_allowlist` table: GitLab's inbound allowlist. A row (source, target) lets CI jobs of the
 * target project use their job token on the source project. The decision that reads it, together with the groups
 * allowlist and the inbound switch, is JobTokenScopeRepository.admitsJobsOf.
 */
export class JobTokenAllowlistRepository {
  private readonly pairs = new JobTokenPairTable('job_token_allowlist', 'target_project_id');

  /** Returns false when the pair was already there. */
  async add(db: EntityManager, sourceProjectId: number, targetProjectId: number): Promise<boolean> {
    return this.pairs.add(db, sourceProjectId, targetProjectId);
  }

  async remove(db: EntityManager, sourceProjectId: number, targetProjectId: number): Promise<boolean> {
    return this.pairs.remove(db, sourceProjectId, targetProjectId);
  }

  async listTargets(db: EntityManager, sourceProjectId: number, page: PageRequest): Promise<Paged<number>> {
    return this.pairs.listTargets(db, sourceProjectId, page);
  }
}
