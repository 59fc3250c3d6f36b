import { EntityManager } from 'typeorm';
import { execute, queryOne, typedQuery } from '@cargohold/db';
import { Cadence, CleanupPolicy, CleanupPolicyRules, PolicyTarget } from './cleanup-policy';

const TARGET_COLUMN = { project: 'project_id', group: 'namespace_id', repository: 'repository_id' } as const;

/** The policy columns, qualified by a table alias where a query joins other tables. */
const columns = (t = 'cleanup_policies') => `${t}.id, ${t}.project_id AS "projectId", ${t}.namespace_id AS "namespaceId",
  ${t}.repository_id AS "repositoryId", ${t}.enabled, ${t}.cadence, ${t}.keep_n AS "keepN", ${t}.older_than AS "olderThan",
  ${t}.name_regex AS "nameRegex", ${t}.name_regex_keep AS "nameRegexKeep", ${t}.keep_n_recently_pulled AS "keepNRecentlyPulled",
  ${t}.keep_pulled_within AS "keepPulledWithin", ${t}.next_run_at AS "nextRunAt",
  ${t}.created_at AS "createdAt", ${t}.updated_at AS "updatedAt"`;
const COLUMNS = columns();

interface PolicyRow extends CleanupPolicyRules {
  id: number;
  projectId: number | null;
  namespaceId: number | null;
  repositoryId: number | null;
  nextRunAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

function toPolicy(row: PolicyRow): CleanupPolicy {
  const target: PolicyTarget =
    row.projectId !== null ? { kind: 'project', id: row.projectId } : row.namespaceId !== null ? { kind: 'group', id: row.namespaceId } : { kind: 'repository', id: row.repositoryId! };
  return {
    id: row.id,
    target,
    enabled: row.enabled,
    cadence: row.cadence as Cadence,
    keepN: row.keepN,
    olderThan: row.olderThan,
    nameRegex: row.nameRegex,
    nameRegexKeep: row.nameRegexKeep,
    keepNRecentlyPulled: row.keepNRecentlyPulled,
    keepPulledWithin: row.keepPulledWithin,
    nextRunAt: row.nextRunAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The `cleanup_policies` table: one policy per project, group or repository. */
export class CleanupPolicyRepository {
  async find(db: EntityManager, target: PolicyTarget): Promise<CleanupPolicy | null> {
    const row = await queryOne<PolicyRow>(db, `SELECT ${COLUMNS} FROM cleanup_policies WHERE ${TARGET_COLUMN[target.kind]} = $1`, [target.id]);
    return row ? toPolicy(row) : null;
  }

  async findById(db: EntityManager, id: number): Promise<CleanupPolicy | null> {
    const row = await queryOne<PolicyRow>(db, `SELECT ${COLUMNS} FROM cleanup_policies WHERE id = $1`, [id]);
    return row ? toPolicy(row) : null;
  }

  async upsert(db: EntityManager, target: PolicyTarget, rules: CleanupPolicyRules, nextRunAt: Date | null): Promise<CleanupPolicy> {
    const column = TARGET_COLUMN[target.kind];
    const [row] = await typedQuery<PolicyRow>(
      db,
      `INSERT INTO cleanup_policies (${column}, enabled, cadence, keep_n, older_than, name_regex, name_regex_keep, next_run_at,
                                     keep_n_recently_pulled, keep_pulled_within)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (${column}) DO UPDATE SET
         enabled = EXCLUDED.enabled, cadence = EXCLUDED.cadence, keep_n = EXCLUDED.keep_n, older_than = EXCLUDED.older_than,
         name_regex = EXCLUDED.name_regex, name_regex_keep = EXCLUDED.name_regex_keep, next_run_at = EXCLUDED.next_run_at,
         keep_n_recently_pulled = EXCLUDED.keep_n_recently_pulled, keep_pulled_within = EXCLUDED.keep_pulled_within,
         updated_at = now()
       RETURNING ${COLUMNS}`,
      [
        target.id, rules.enabled, rules.cadence, rules.keepN, rules.olderThan, rules.nameRegex, rules.nameRegexKeep, nextRunAt,
        rules.keepNRecentlyPulled, rules.keepPulledWithin,
      ],
    );
    return toPolicy(row);
  }

  /** The project's group policies, nearest group first (a subgroup's policy wins over its parent's). */
  async groupPoliciesForProject(db: EntityManager, projectId: number): Promise<CleanupPolicy[]> {
    const rows = await typedQuery<PolicyRow>(
      db,
      `WITH RECURSIVE ancestors(id, depth) AS (
         SELECT n.id, 0 FROM projects p JOIN namespaces n ON n.id = p.namespace_id WHERE p.id = $1
         UNION ALL
         SELECT n.parent_id, a.depth + 1 FROM ancestors a JOIN namespaces n ON n.id = a.id WHERE n.parent_id IS NOT NULL
       )
       SELECT ${columns('cp')} FROM cleanup_policies cp JOIN ancestors a ON a.id = cp.namespace_id ORDER BY a.depth`,
      [projectId],
    );
    return rows.map(toPolicy);
  }

  /** Due, enabled policies, locked so that one scheduler (of several workers) handles each. */
  async lockDue(db: EntityManager, now: Date, limit: number): Promise<CleanupPolicy[]> {
    const rows = await typedQuery<PolicyRow>(
      db,
      `SELECT ${COLUMNS} FROM cleanup_policies WHERE enabled AND next_run_at <= $1 ORDER BY next_run_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now, limit],
    );
    return rows.map(toPolicy);
  }

  async setNextRun(db: EntityManager, id: number, nextRunAt: Date): Promise<void> {
    await execute(db, `UPDATE cleanup_policies SET next_run_at = $2 WHERE id = $1`, [id, nextRunAt]);
  }

  /** Projects a group policy applies to: every project below the group whose nearest policy is this one. */
  async projectsGovernedByGroup(db: EntityManager, namespaceId: number): Promise<number[]> {
    const rows = await typedQuery<{ id: number }>(
      db,
      `WITH RECURSIVE below(id) AS (
         SELECT $1::bigint
         UNION ALL
         SELECT n.id FROM namespaces n JOIN below b ON n.parent_id = b.id
         WHERE NOT EXISTS (SELECT 1 FROM cleanup_policies cp WHERE cp.namespace_id = n.id)
       )
       SELECT p.id FROM projects p JOIN below b ON b.id = p.namespace_id
       WHERE NOT EXISTS (SELECT 1 FROM cleanup_policies cp WHERE cp.project_id = p.id)
       ORDER BY p.id`,
      [namespaceId],
    );
    return rows.map((row) => row.id);
  }

  /** Repositories of the project that have their own policy (they run on their own schedule). */
  async repositoryOverrides(db: EntityManager, projectId: number): Promise<Set<number>> {
    const rows = await typedQuery<{ id: number }>(
      db,
      `SELECT cp.repository_id AS id FROM cleanup_policies cp JOIN repositories r ON r.id = cp.repository_id WHERE r.project_id = $1`,
      [projectId],
    );
    return new Set(rows.map((row) => row.id));
  }
}
