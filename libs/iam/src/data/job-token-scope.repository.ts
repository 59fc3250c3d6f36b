import { EntityManager } from 'typeorm';
import { execute, queryOne, typedQuery } from '@cargohold/db';
import { JobTokenPairTable } from './job-token-pair-table';
import { ancestorsCte, PageRequest, Paged } from './paging';

/**
 * SQL condition: the project `project` (a table alias) admits job tokens of the project whose id is `jobProject` (a
 * parameter), when the statement's `ancestors` CTE holds that project's namespace chain: the project's inbound limit
 * is off, or it allowlists the job's project, or a group holding the job's project. (A project always admits its own
 * jobs; callers check that first.)
 */
export function admitsJobsFrom(project: string, jobProject: string): string {
  return `(NOT ${project}.ci_inbound_job_token_scope_enabled
    OR EXISTS (SELECT 1 FROM job_token_allowlist a WHERE a.source_project_id = ${project}.id AND a.target_project_id = ${jobProject})
    OR EXISTS (SELECT 1 FROM job_token_group_allowlist g JOIN ancestors ON ancestors.id = g.target_group_id WHERE g.source_project_id = ${project}.id))`;
}

/**
 * GitLab's job token scope beyond the project allowlist (job-token-allowlist.repository.ts): the project's
 * "Limit access to this project" switch and its groups allowlist (`job_token_group_allowlist`).
 */
export class JobTokenScopeRepository {
  private readonly groupAllowlist = new JobTokenPairTable('job_token_group_allowlist', 'target_group_id');

  async inboundEnabled(db: EntityManager, projectId: number): Promise<boolean> {
    const row = await queryOne<{ enabled: boolean }>(db, `SELECT ci_inbound_job_token_scope_enabled AS enabled FROM projects WHERE id = $1`, [projectId]);
    return row?.enabled ?? true;
  }

  async setInboundEnabled(db: EntityManager, projectId: number, enabled: boolean): Promise<void> {
    await execute(db, `UPDATE projects SET ci_inbound_job_token_scope_enabled = $2 WHERE id = $1`, [projectId, enabled]);
  }

  /** Returns false when the group was already there. */
  async addGroup(db: EntityManager, sourceProjectId: number, groupId: number): Promise<boolean> {
    return this.groupAllowlist.add(db, sourceProjectId, groupId);
  }

  async removeGroup(db: EntityManager, sourceProjectId: number, groupId: number): Promise<boolean> {
    return this.groupAllowlist.remove(db, sourceProjectId, groupId);
  }

  async listGroups(db: EntityManager, sourceProjectId: number, page: PageRequest): Promise<Paged<number>> {
    return this.groupAllowlist.listTargets(db, sourceProjectId, page);
  }

  /**
   * Whether jobs of `jobProjectId` may use their token on `projectId`: their own project always; otherwise when the
   * project's inbound limit is off, or it allowlists the job's project, or a group holding the job's project.
   */
  async admitsJobsOf(db: EntityManager, projectId: number, jobProjectId: number): Promise<boolean> {
    if (projectId === jobProjectId) return true;
    const admitted = await queryOne(
      db,
      `WITH RECURSIVE ${ancestorsCte('(SELECT namespace_id FROM projects WHERE id = $2)')}
       SELECT 1 FROM projects p WHERE p.id = $1 AND ${admitsJobsFrom('p', '$2')}`,
      [projectId, jobProjectId],
    );
    return admitted !== null;
  }

  /** Every project other than its own that admits jobs of `jobProjectId` (catalog filtering). */
  async projectsAdmittingJobsOf(db: EntityManager, jobProjectId: number): Promise<number[]> {
    const rows = await typedQuery<{ id: number }>(
      db,
      `WITH RECURSIVE ${ancestorsCte('(SELECT namespace_id FROM projects WHERE id = $1)')}
       SELECT p.id FROM projects p WHERE p.id <> $1 AND ${admitsJobsFrom('p', '$1')} ORDER BY p.id`,
      [jobProjectId],
    );
    return rows.map((row) => row.id);
  }
}
