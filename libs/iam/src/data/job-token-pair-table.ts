import { EntityManager } from 'typeorm';
import { typedQuery } from '@cargohold/db';
import { PageRequest, Paged, pagedQuery } from './paging';

/**
 * One of the job token scope's allowlist tables, keyed by (source_project_id, <target column>):
 * `job_token_allowlist` (target projects) and `job_token_group_allowlist` (target groups) are written and listed
 * the same way, so the statements live here once. `table` and `targetColumn` are fixed names chosen by the
 * repositories, never input.
 */
export class JobTokenPairTable {
  constructor(
    private readonly table: string,
    private readonly targetColumn: string,
  ) {}

  /** Returns false when the pair was already there. */
  async add(db: EntityManager, sourceProjectId: number, targetId: number): Promise<boolean> {
    const rows = await typedQuery<{ source_project_id: number }>(
      db,
      `INSERT INTO ${this.table} (source_project_id, ${this.targetColumn}) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING source_project_id`,
      [sourceProjectId, targetId],
    );
    return rows.length > 0;
  }

  /** Returns false when there was no such pair. */
  async remove(db: EntityManager, sourceProjectId: number, targetId: number): Promise<boolean> {
    const rows = await typedQuery<{ source_project_id: number }>(
      db,
      `WITH gone AS (DELETE FROM ${this.table} WHERE source_project_id = $1 AND ${this.targetColumn} = $2 RETURNING source_project_id)
       SELECT source_project_id FROM gone`,
      [sourceProjectId, targetId],
    );
    return rows.length > 0;
  }

  /** The targets allowlisted by `sourceProjectId`, by id. */
  async listTargets(db: EntityManager, sourceProjectId: number, page: PageRequest): Promise<Paged<number>> {
    return pagedQuery(
      db,
      `SELECT ${this.targetColumn} AS id FROM ${this.table} WHERE source_project_id = $1`,
      [sourceProjectId],
      'id ASC',
      page,
      (row: { id: number }) => row.id,
    );
  }
}
