import { EntityManager } from 'typeorm';
import { prepared, PreparedSql, typedQuery } from '@cargohold/db';
import { ProjectAccessFacts } from '../domain/project-access';
import { admitsJobsFrom } from './job-token-scope.repository';
import { activeMembership, ancestorsCte } from './paging';

/** Which projects a permission decision is about. */
export type ProjectSelector =
  /** These projects (missing ids are left out). */
  | { ids: number[] }
  /** The project owning an image path: the longest full path among the candidates (candidateProjectPaths). */
  | { owningOneOf: string[] }
  /** Every project in the group and its subgroups. */
  | { withinGroup: number };

/** The credential the facts are read for: whose memberships count, and what a deploy or job token reaches. */
export interface AccessSubject {
  /** The user whose memberships count (a job token's: the user who started it); null for none. */
  userId: number | null;
  deployToken?: { projectId: number | null; groupId: number | null };
  job?: { id: number; projectId: number };
}

/** The `selected` CTE of each kind of selector (the projects the statement is about, from parameter $1). */
const SELECTED = {
  ids: `selected AS (SELECT * FROM projects WHERE id = ANY($1::bigint[]))`,
  owningOneOf: `selected AS (SELECT * FROM projects WHERE full_path = ANY($1::text[]) ORDER BY length(full_path) DESC LIMIT 1)`,
  withinGroup: `group_tree AS (
        SELECT id FROM namespaces WHERE id = $1::bigint
        UNION ALL SELECT n.id FROM namespaces n JOIN group_tree t ON n.parent_id = t.id
      ), selected AS (SELECT * FROM projects WHERE namespace_id IN (SELECT id FROM group_tree))`,
};

/** The statement for a selector and its parameter $1. */
function selectedProjects(selector: ProjectSelector): { sql: PreparedSql; param: number[] | string[] | number } {
  if ('ids' in selector) return { sql: FACTS_BY.ids, param: selector.ids };
  if ('owningOneOf' in selector) return { sql: FACTS_BY.owningOneOf, param: selector.owningOneOf };
  return { sql: FACTS_BY.withinGroup, param: selector.withinGroup };
}

/**
 * Everything a permission decision needs about a list of projects, for one credential, in ONE statement: the
 * projects' visibility and registry settings, the user's level on each (memberships of the project and of every
 * ancestor group, user namespace ownership, administrators), whether a deploy token covers each, and whether a job
 * token is running and admitted by each. Its cost grows with the projects selected and their depth, never with the
 * user's other memberships. $1 selects; $2 user; $3, $4 deploy token project, group; $5, $6 job project, job id.
 */
const FACTS = (selected: string) => `WITH RECURSIVE ${selected},
  chain AS (
    SELECT s.id AS project_id, s.namespace_id FROM selected s
    UNION ALL
    SELECT c.project_id, n.parent_id FROM chain c JOIN namespaces n ON n.id = c.namespace_id WHERE n.parent_id IS NOT NULL
  ),
  ${ancestorsCte('(SELECT namespace_id FROM projects WHERE id = $5::bigint)')}
  SELECT s.id AS "projectId", s.namespace_id AS "namespaceId", s.visibility, s.container_registry_access_level AS "registryAccess",
    s.delete_requested_at IS NOT NULL AS "pendingDelete",
    CASE
      WHEN u.id IS NULL THEN 0
      WHEN u.is_admin OR EXISTS (SELECT 1 FROM namespaces un WHERE un.id = s.namespace_id AND un.kind = 'user' AND un.owner_id = u.id) THEN 50
      ELSE COALESCE((
        SELECT max(m.access_level) FROM members m
         WHERE m.user_id = u.id AND ${activeMembership('m')}
           AND ((m.source_type = 'project' AND m.source_id = s.id)
             OR (m.source_type = 'namespace' AND m.source_id IN (SELECT c.namespace_id FROM chain c WHERE c.project_id = s.id)))
      ), 0)
    END::int AS "userLevel",
    (s.id = $3::bigint OR EXISTS (SELECT 1 FROM chain c WHERE c.project_id = s.id AND c.namespace_id = $4::bigint)) IS TRUE AS "deployTokenCovers",
    ($5::bigint IS NOT NULL AND (s.id = $5::bigint OR ${admitsJobsFrom('s', '$5::bigint')})) AS "jobTokenAdmitted",
    EXISTS (SELECT 1 FROM ci_jobs j WHERE j.id = $6::bigint AND j.status = 'running' AND j.expires_at > now()) AS "jobActive"
  FROM selected s LEFT JOIN users u ON u.id = $2::bigint AND u.state = 'active'
  ORDER BY s.id`;

/** Every request that names a project runs one of these (a registry token once per repository scope): prepared. */
const FACTS_BY = {
  ids: prepared('project_access_facts_by_ids', FACTS(SELECTED.ids)),
  owningOneOf: prepared('project_access_facts_owning', FACTS(SELECTED.owningOneOf)),
  withinGroup: prepared('project_access_facts_in_group', FACTS(SELECTED.withinGroup)),
};

/** Reads the facts of permission decisions (domain/project-access.ts decides from them). */
export class ProjectAccessRepository {
  async facts(db: EntityManager, selector: ProjectSelector, subject: AccessSubject): Promise<ProjectAccessFacts[]> {
    const { sql, param } = selectedProjects(selector);
    if (Array.isArray(param) && param.length === 0) return [];
    return typedQuery<ProjectAccessFacts>(db, sql, [
      param,
      subject.userId,
      subject.deployToken?.projectId ?? null,
      subject.deployToken?.groupId ?? null,
      subject.job?.projectId ?? null,
      subject.job?.id ?? null,
    ]);
  }
}
