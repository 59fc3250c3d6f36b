import { EntityManager } from 'typeorm';
import { execute, queryOne, typedQuery } from '@cargohold/db';

export type CleanupRunStatus = 'scheduled' | 'ongoing' | 'unfinished' | 'finished' | 'failed';
export type PolicySource = 'project' | 'group' | 'repository';

export interface CleanupRun {
  id: number;
  projectId: number;
  policyId: number | null;
  policySource: PolicySource;
  status: CleanupRunStatus;
  trigger: 'schedule' | 'manual';
  deletedTags: number;
  /** Tags the policy chose that protection rules kept: protected from deletion, and immutable. */
  protectedTagsSkipped: number;
  immutableTagsSkipped: number;
  repositoriesDone: number;
  error: string | null;
  scheduledAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

const COLUMNS = `id, project_id AS "projectId", policy_id AS "policyId", policy_source AS "policySource", status, trigger,
  deleted_tags AS "deletedTags", protected_tags_skipped AS "protectedTagsSkipped", immutable_tags_skipped AS "immutableTagsSkipped", repositories_done AS "repositoriesDone", error, scheduled_at AS "scheduledAt",
  started_at AS "startedAt", finished_at AS "finishedAt"`;

/** The `cleanup_policy_runs` table: what each run did, visible through the API. */
export class CleanupRunRepository {
  async create(db: EntityManager, projectId: number, policyId: number | null, source: PolicySource, trigger: 'schedule' | 'manual'): Promise<CleanupRun> {
    const [run] = await typedQuery<CleanupRun>(
      db,
      `INSERT INTO cleanup_policy_runs (project_id, policy_id, policy_source, status, trigger) VALUES ($1, $2, $3, 'scheduled', $4) RETURNING ${COLUMNS}`,
      [projectId, policyId, source, trigger],
    );
    return run;
  }

  /**
   * Runs waiting for a job (`scheduled`, or `unfinished` and handed over) for `olderThanSeconds`: their job was
   * never queued (Redis down when the run was recorded) or Redis lost it. `progress` names the job that should
   * carry each. Runs `ongoing` are left alone: their job is running or is retried by BullMQ.
   */
  async listStranded(db: EntityManager, olderThanSeconds: number, limit: number): Promise<Array<{ runId: number; projectId: number; progress: number }>> {
    return typedQuery<{ runId: number; projectId: number; progress: number }>(
      db,
      `SELECT id AS "runId", project_id AS "projectId", repositories_done AS progress FROM cleanup_policy_runs
        WHERE status IN ('scheduled', 'unfinished') AND coalesce(finished_at, scheduled_at) < now() - make_interval(secs => $1)
        ORDER BY id LIMIT $2`,
      [olderThanSeconds, limit],
    );
  }

  async find(db: EntityManager, id: number): Promise<CleanupRun | null> {
    return queryOne<CleanupRun>(db, `SELECT ${COLUMNS} FROM cleanup_policy_runs WHERE id = $1`, [id]);
  }

  /** A page of a project's runs, newest first, and how many it has in all. */
  async listForProject(db: EntityManager, projectId: number, limit: number, offset = 0): Promise<{ items: CleanupRun[]; total: number }> {
    const [items, [{ total }]] = await Promise.all([
      typedQuery<CleanupRun>(db, `SELECT ${COLUMNS} FROM cleanup_policy_runs WHERE project_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3`, [projectId, limit, offset]),
      typedQuery<{ total: number }>(db, `SELECT count(*)::int AS total FROM cleanup_policy_runs WHERE project_id = $1`, [projectId]),
    ]);
    return { items, total };
  }

  async start(db: EntityManager, id: number): Promise<void> {
    await execute(db, `UPDATE cleanup_policy_runs SET status = 'ongoing', started_at = coalesce(started_at, now()) WHERE id = $1`, [id]);
  }

  /** Adds progress after each repository, so a crash loses at most one repository's count. */
  async progress(db: EntityManager, id: number, deletedTags: number, skipped: { protected: number; immutable: number } = { protected: 0, immutable: 0 }): Promise<void> {
    await execute(
      db,
      `UPDATE cleanup_policy_runs SET deleted_tags = deleted_tags + $2, protected_tags_skipped = protected_tags_skipped + $3,
              immutable_tags_skipped = immutable_tags_skipped + $4, repositories_done = repositories_done + 1 WHERE id = $1`,
      [id, deletedTags, skipped.protected, skipped.immutable],
    );
  }

  async finish(db: EntityManager, id: number, status: CleanupRunStatus, error: string | null = null): Promise<void> {
    await execute(db, `UPDATE cleanup_policy_runs SET status = $2, error = $3, finished_at = now() WHERE id = $1`, [id, status, error]);
  }

  async markRepositoryStarted(db: EntityManager, repositoryId: number): Promise<void> {
    await execute(db, `UPDATE repositories SET cleanup_policy_started_at = now() WHERE id = $1`, [repositoryId]);
  }

  async repositoriesOf(db: EntityManager, projectId: number): Promise<number[]> {
    const rows = await typedQuery<{ id: number }>(db, `SELECT id FROM repositories WHERE project_id = $1 AND status IS NULL ORDER BY id`, [projectId]);
    return rows.map((row) => row.id);
  }

  async projectOfRepository(db: EntityManager, repositoryId: number): Promise<number | null> {
    const row = await queryOne<{ projectId: number }>(db, `SELECT project_id AS "projectId" FROM repositories WHERE id = $1`, [repositoryId]);
    return row?.projectId ?? null;
  }
}
