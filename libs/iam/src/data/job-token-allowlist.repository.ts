import { EntityManager } from 'typeorm';
import { PageRequest, Paged, pagedQuery } from './paging';

/**
 * The `job_token_allowlist` table: GitLab's inbound allowlist. A row (source, target) lets CI jobs of the
 * target project use their job token on the source project. The decision that reads it, together with the groups
 * allowlist and the inbound switch, is JobTokenScopeRepository.admitsJobsOf.
 */
export class JobTokenAllowlistRepository {
  /** Returns false when the pair was already there. */
  async add(db: EntityManager, sourceProjectId: number, targetProjectId: number): Promise<boolean> {
    const rows = await db.query(
      `INSERT INTO job_token_allowlist (source_project_id, target_project_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING source_project_id`,
      [sourceProjectId, targetProjectId],
    );
    return rows.length > 0;
  }

  async remove(db: EntityManager, sourceProjectId: number, targetProjectId: number): Promise<boolean> {
    const rows = await db.query(
      `WITH gone AS (DELETE FROM job_token_allowlist WHERE source_project_id = $1 AND target_project_id = $2 RETURNING source_project_id)
       SELECT source_project_id FROM gone`,
      [sourceProjectId, targetProjectId],
    );
    return rows.length > 0;
  }

  async listTargets(db: EntityManager, sourceProjectId: number, page: PageRequest): Promise<Paged<number>> {
    return pagedQuery(
      db,
      `SELECT target_project_id AS id FROM job_token_allowlist WHERE source_project_id = $1`,
      [sourceProjectId],
      'id ASC',
      page,
      (row: { id: number }) => row.id,
    );
  }
}
