import { EntityManager } from 'typeorm';
import { execute, prepared, queryOne, sqlInteger, typedQuery } from '@cargohold/db';
import { RepositoryProtectionRule, TagProtectionRule } from './protection-rules';

/** First key of the advisory lock that orders rule changes against pushes and deletes ("prot"). */
const PROTECTION_LOCK = 0x70726f74;

export type RuleKind = 'tag' | 'repository';

const TABLE: Record<RuleKind, string> = { tag: 'container_protection_tag_rules', repository: 'container_protection_repository_rules' };
const PATTERN: Record<RuleKind, string> = { tag: 'tag_name_pattern', repository: 'repository_path_pattern' };
const PATTERN_FIELD: Record<RuleKind, string> = { tag: 'tagNamePattern', repository: 'repositoryPathPattern' };

function columns(kind: RuleKind): string {
  return `id, project_id AS "projectId", ${PATTERN[kind]} AS "${PATTERN_FIELD[kind]}",
          minimum_access_level_for_push AS "minimumAccessLevelForPush", minimum_access_level_for_delete AS "minimumAccessLevelForDelete"`;
}

export interface RuleFields {
  pattern: string;
  minimumAccessLevelForPush: number | null;
  minimumAccessLevelForDelete: number | null;
}

type RuleRow<K extends RuleKind> = K extends 'tag' ? TagProtectionRule : RepositoryProtectionRule;

/**
 * The protection rule tables, and the lock that makes a rule exact: every push and delete takes the project's
 * lock SHARED before it reads the rules (inside its transaction, held to its commit); every rule change takes it
 * EXCLUSIVE. So a rule change waits for the pushes that read the old rules to commit, and a push that starts after
 * the change committed reads the new rules: once the rule's creation has answered, no push or delete that ignores it
 * can still commit, whichever replica runs it. Pushes do not wait for each other (shared with shared).
 */
/** Every push and delete runs these two: prepared (parsed and planned once per connection). */
const LOCK_SHARED = prepared('protection_lock_shared', `SELECT pg_advisory_xact_lock_shared($1, ($2::bigint % 2147483647)::int)`);
/** Both kinds of rules of project $1 as `ProtectionRuleRow`s (each table's unique index on (project_id, pattern) serves it). */
export const RULES_OF_PROJECT_SQL = `SELECT 'tag' AS kind, id, tag_name_pattern AS pattern, minimum_access_level_for_push AS push, minimum_access_level_for_delete AS del
     FROM container_protection_tag_rules WHERE project_id = $1
   UNION ALL
   SELECT 'repository', id, repository_path_pattern, minimum_access_level_for_push, minimum_access_level_for_delete
     FROM container_protection_repository_rules WHERE project_id = $1`;
const RULES_OF_PROJECT = prepared('protection_rules_of_project', RULES_OF_PROJECT_SQL);

/** One rule as RULES_OF_PROJECT_SQL reads it. */
export interface ProtectionRuleRow {
  kind: RuleKind;
  id: number;
  pattern: string;
  push: number | null;
  del: number | null;
}

export interface ProjectRules {
  tag: TagProtectionRule[];
  repository: RepositoryProtectionRule[];
}

/** The project's rules from its ProtectionRuleRows. */
export function rulesFromRows(projectId: number, rows: readonly ProtectionRuleRow[]): ProjectRules {
  const tag: TagProtectionRule[] = [];
  const repository: RepositoryProtectionRule[] = [];
  for (const row of rows) {
    const levels = { minimumAccessLevelForPush: row.push, minimumAccessLevelForDelete: row.del };
    if (row.kind === 'tag') tag.push({ id: Number(row.id), projectId, tagNamePattern: row.pattern, ...levels });
    else repository.push({ id: Number(row.id), projectId, repositoryPathPattern: row.pattern, ...levels });
  }
  return { tag, repository };
}

export class ProtectionRuleRepository {
  async lockShared(db: EntityManager, projectId: number): Promise<void> {
    await execute(db, LOCK_SHARED, [PROTECTION_LOCK, projectId]);
  }

  /** lockShared's statement as parameterless SQL, to open a transaction with (transactionOpenedWith). */
  lockSharedSql(projectId: number): string {
    return `SELECT pg_advisory_xact_lock_shared(${PROTECTION_LOCK}, (${sqlInteger(projectId)}::bigint % 2147483647)::int)`;
  }

  async lockExclusive(db: EntityManager, projectId: number): Promise<void> {
    await execute(db, `SELECT pg_advisory_xact_lock($1, ($2::bigint % 2147483647)::int)`, [PROTECTION_LOCK, projectId]);
  }

  /** Both kinds of rules of a project, in one statement (each table's unique index on (project_id, pattern) serves it). */
  async forProject(db: EntityManager, projectId: number): Promise<ProjectRules> {
    return rulesFromRows(projectId, await typedQuery<ProtectionRuleRow>(db, RULES_OF_PROJECT, [projectId]));
  }

  async list<K extends RuleKind>(db: EntityManager, kind: K, projectId: number): Promise<RuleRow<K>[]> {
    return typedQuery<RuleRow<K>>(db, `SELECT ${columns(kind)} FROM ${TABLE[kind]} WHERE project_id = $1 ORDER BY id`, [projectId]);
  }

  async find<K extends RuleKind>(db: EntityManager, kind: K, projectId: number, id: number): Promise<RuleRow<K> | null> {
    return queryOne<RuleRow<K>>(db, `SELECT ${columns(kind)} FROM ${TABLE[kind]} WHERE project_id = $1 AND id = $2`, [projectId, id]);
  }

  async count(db: EntityManager, kind: RuleKind, projectId: number): Promise<number> {
    const row = await queryOne<{ n: number }>(db, `SELECT count(*)::int AS n FROM ${TABLE[kind]} WHERE project_id = $1`, [projectId]);
    return row?.n ?? 0;
  }

  /** Whether another rule of the project has this pattern. */
  async patternTaken(db: EntityManager, kind: RuleKind, projectId: number, pattern: string, exceptId: number | null): Promise<boolean> {
    const row = await queryOne<{ id: number }>(
      db,
      `SELECT id FROM ${TABLE[kind]} WHERE project_id = $1 AND ${PATTERN[kind]} = $2 AND ($3::bigint IS NULL OR id <> $3)`,
      [projectId, pattern, exceptId],
    );
    return row !== null;
  }

  async insert<K extends RuleKind>(db: EntityManager, kind: K, projectId: number, fields: RuleFields): Promise<RuleRow<K>> {
    const [row] = await typedQuery<RuleRow<K>>(
      db,
      `INSERT INTO ${TABLE[kind]} (project_id, ${PATTERN[kind]}, minimum_access_level_for_push, minimum_access_level_for_delete)
       VALUES ($1, $2, $3, $4) RETURNING ${columns(kind)}`,
      [projectId, fields.pattern, fields.minimumAccessLevelForPush, fields.minimumAccessLevelForDelete],
    );
    return row;
  }

  async update<K extends RuleKind>(db: EntityManager, kind: K, id: number, fields: RuleFields): Promise<RuleRow<K>> {
    const [row] = await typedQuery<RuleRow<K>>(
      db,
      `UPDATE ${TABLE[kind]} SET ${PATTERN[kind]} = $2, minimum_access_level_for_push = $3, minimum_access_level_for_delete = $4, updated_at = now()
        WHERE id = $1 RETURNING ${columns(kind)}`,
      [id, fields.pattern, fields.minimumAccessLevelForPush, fields.minimumAccessLevelForDelete],
    );
    return row;
  }

  async delete(db: EntityManager, kind: RuleKind, id: number): Promise<void> {
    await execute(db, `DELETE FROM ${TABLE[kind]} WHERE id = $1`, [id]);
  }
}
