import { execute, prepared, queryOne } from '@cargohold/db';
import { EntityManager } from 'typeorm';
import { LimitedNamespace } from './storage-quota';

/** What a push brings: a blob (its bytes) or a manifest (its payload), named by digest. */
export type PushedItem = { kind: 'blob' | 'manifest'; digest: string };

export interface QuotaFacts {
  /** The item is already stored somewhere in the project's top-level namespace: it costs nothing. */
  stored: boolean;
  /** The namespaces that limit the project (limit > 0), project first; empty when stored or unlimited. */
  limited: LimitedNamespace[];
}

/** The project a push goes into, from $1: its id, or the candidate paths of the image (the longest owns it). */
const PROJECT_BY = {
  id: `project AS (SELECT id, namespace_id, full_path, registry_storage_limit FROM projects WHERE id = $1)`,
  owner: `project AS (SELECT id, namespace_id, full_path, registry_storage_limit FROM projects
                      WHERE full_path = ANY($1::text[]) ORDER BY length(full_path) DESC LIMIT 1)`,
};
type ProjectBy = keyof typeof PROJECT_BY;

/**
 * The project, its ancestor namespaces and their effective limits: the project's own (NULL: the instance default),
 * each group's own (NULL or 0: none). `depth` orders them project first, then upwards.
 */
const CHAIN = `
  chain AS (
    SELECT n.id, n.parent_id, n.kind, n.full_path, n.registry_storage_limit, 1 AS depth
      FROM namespaces n JOIN project p ON n.id = p.namespace_id
    UNION ALL
    SELECT n.id, n.parent_id, n.kind, n.full_path, n.registry_storage_limit, c.depth + 1
      FROM namespaces n JOIN chain c ON n.id = c.parent_id
  ),
  limits AS (
    SELECT 'project' AS kind, p.id, p.full_path,
           COALESCE(p.registry_storage_limit, (SELECT container_registry_storage_limit FROM application_settings WHERE id = 1), 0) AS lim,
           0 AS depth
      FROM project p
    UNION ALL
    SELECT 'group', c.id, c.full_path, COALESCE(c.registry_storage_limit, 0), c.depth FROM chain c WHERE c.kind = 'group'
  ),
  root AS (SELECT id, full_path || '/' AS prefix FROM chain WHERE parent_id IS NULL)`;

/**
 * Deduplicated bytes below a limited namespace `l`, the way RepositoryQueryRepository.usage counts them (the REST
 * `container_registry_size`): distinct blobs linked to the repositories of the project, or of every project
 * below the group (full paths nest, so a prefix finds them); for a group, also the blobs its pull-through caches
 * hold (virtual registries and the dependency proxy belong to top-level groups). A blob both pushed and cached is
 * stored once and counted once.
 */
const USED = `
  SELECT COALESCE(sum(b.size), 0)::bigint AS used FROM blobs b
   WHERE b.digest IN (
     SELECT rb.blob_digest FROM repository_blobs rb JOIN repositories r ON r.id = rb.repository_id
      WHERE r.project_id IN (
        SELECT p.id FROM projects p
         WHERE (l.kind = 'project' AND p.id = l.id) OR (l.kind = 'group' AND starts_with(p.full_path, l.full_path || '/'))))
      OR (l.kind = 'group' AND b.digest IN (
        SELECT e.digest FROM container_upstream_cache_entries e JOIN container_upstreams cu ON cu.id = e.upstream_id WHERE cu.group_id = l.id))`;

/** The same figure for one group, outside a push: what its limit is compared with (GET /groups/:id `storage_size`). */
const GROUP_USED = `SELECT u.used FROM (SELECT 'group'::text AS kind, id, full_path FROM namespaces WHERE id = $1) l CROSS JOIN LATERAL (${USED}) u`;

/** Bytes the top-level group's pull-through caches already hold cost a push nothing either: they are counted. */
const CACHED = `SELECT 1 FROM container_upstream_cache_entries e JOIN container_upstreams cu ON cu.id = e.upstream_id, root WHERE e.digest = $2 AND cu.group_id = root.id`;

/** The facts statement of a push into a limited project (a blob's commit or mount, a manifest PUT), one text per kind. */
function factsSql(kind: PushedItem['kind']): string {
  const stored =
    kind === 'blob'
      ? `SELECT 1 FROM repository_blobs rb JOIN repositories r ON r.id = rb.repository_id, root WHERE rb.blob_digest = $2 AND starts_with(r.path, root.prefix)`
      : `SELECT 1 FROM manifests m JOIN repositories r ON r.id = m.repository_id, root WHERE m.digest = $2 AND starts_with(r.path, root.prefix)`;
  return `WITH RECURSIVE ${PROJECT_BY.id},${CHAIN},
       limited AS (SELECT * FROM limits WHERE lim > 0),
       found AS (SELECT EXISTS (SELECT 1 FROM limited) AND (EXISTS (${stored}) OR EXISTS (${CACHED})) AS stored)
       SELECT (SELECT stored FROM found) AS stored,
              COALESCE((
                SELECT json_agg(json_build_object('kind', l.kind, 'id', l.id, 'fullPath', l.full_path, 'limit', l.lim, 'used', u.used) ORDER BY l.depth)
                  FROM limited l CROSS JOIN LATERAL (${USED}) u
                 WHERE NOT (SELECT stored FROM found)
              ), '[]'::json) AS limited`;
}

/** Facts of a limited project by id (the first statement found it): one text per kind, prepared. */
const FACTS = { blob: prepared('quota_facts_blob', factsSql('blob')), manifest: prepared('quota_facts_manifest', factsSql('manifest')) };

/**
 * Every push asks this first: the project and whether any limit applies to it at all (its own or the instance
 * default, or one of its groups'). Most projects have none, and for them this is the whole answer; only a limited
 * project runs FACTS too. The facts statement is costly to plan (PostgreSQL re-plans it on every execution: custom
 * plans, ~0.5 ms measured on the bench machine, more than it takes to run), this one is cheap (docs/performance.md,
 * "Small operations, round five").
 */
function limitedSql(projectBy: ProjectBy): string {
  // CHAIN's `limits` say which limits apply, as the facts statement reads them; unreferenced, its other CTEs are not run.
  return `WITH RECURSIVE ${PROJECT_BY[projectBy]},${CHAIN}
       SELECT p.id AS "projectId", p.full_path AS "projectPath", EXISTS (SELECT 1 FROM limits WHERE lim > 0) AS limited FROM project p`;
}

const LIMITED = { id: prepared('quota_limited', limitedSql('id')), owner: prepared('quota_limited_of_owner', limitedSql('owner')) };

interface LimitedRow {
  projectId: number;
  projectPath: string;
  limited: boolean;
}

interface FactsRow {
  stored: boolean;
  limited: LimitedNamespace[];
}

function factsOf(row: FactsRow): QuotaFacts {
  return { stored: row.stored === true, limited: row.limited.map((ns) => ({ ...ns, id: Number(ns.id), limit: Number(ns.limit), used: Number(ns.used) })) };
}

/** The facts of a push no limit applies to. */
function unlimited(): QuotaFacts {
  return { stored: false, limited: [] };
}

/** Storage limits: the facts a push is judged on, and the settings administrators change. */
export class QuotaRepository {
  /**
   * Whether the item is already in the top-level namespace (one index probe by digest), and, when it is not, each
   * limited namespace with its usage: for a project no limit applies to, one cheap statement says so (LIMITED); for
   * the others, the facts statement follows. Nothing is locked and no row is written: concurrent pushes each see the
   * committed usage (docs/operations.md, "Storage limits", says what that allows).
   */
  async facts(db: EntityManager, projectId: number, item: PushedItem): Promise<QuotaFacts> {
    const project = await queryOne<LimitedRow>(db, LIMITED.id, [projectId]);
    if (!project?.limited) return unlimited();
    return this.limitedFacts(db, projectId, item);
  }

  /**
   * The same facts for the project owning an image path, found by the same first statement. `candidatePaths` as
   * candidateProjectPaths gives them; null when no project owns the path.
   */
  async factsOfOwner(db: EntityManager, candidatePaths: string[], item: PushedItem): Promise<(QuotaFacts & { project: { id: number; fullPath: string } }) | null> {
    const row = await queryOne<LimitedRow>(db, LIMITED.owner, [candidatePaths]);
    if (!row) return null;
    const project = { id: Number(row.projectId), fullPath: row.projectPath };
    return { ...(row.limited ? await this.limitedFacts(db, project.id, item) : unlimited()), project };
  }

  private async limitedFacts(db: EntityManager, projectId: number, item: PushedItem): Promise<QuotaFacts> {
    const row = await queryOne<FactsRow>(db, FACTS[item.kind], [projectId, item.digest]);
    return row ? factsOf(row) : unlimited();
  }

  /** The project's own limit (null: the instance default applies) and the one in force (0: none). */
  async projectLimit(db: EntityManager, projectId: number): Promise<{ own: number | null; effective: number }> {
    // A bigint column arrives as a number (data-source.ts); json_agg'd bigints above arrive as JSON numbers too.
    const row = await queryOne<{ own: number | null; effective: number }>(
      db,
      `SELECT p.registry_storage_limit AS own,
              COALESCE(p.registry_storage_limit, (SELECT container_registry_storage_limit FROM application_settings WHERE id = 1), 0) AS effective
         FROM projects p WHERE p.id = $1`,
      [projectId],
    );
    return { own: row?.own ?? null, effective: Number(row?.effective ?? 0) };
  }

  /** null resets the project to the instance default; 0 exempts it from any project limit. */
  async setProjectLimit(db: EntityManager, projectId: number, limit: number | null): Promise<void> {
    await execute(db, `UPDATE projects SET registry_storage_limit = $2 WHERE id = $1`, [projectId, limit]);
  }

  /** Everything the group's limit counts: its projects' blobs and its caches' blobs, each distinct blob once. */
  async groupUsed(db: EntityManager, groupId: number): Promise<number> {
    const row = await queryOne<{ used: number }>(db, GROUP_USED, [groupId]);
    return Number(row?.used ?? 0);
  }

  async groupLimit(db: EntityManager, groupId: number): Promise<number> {
    const row = await queryOne<{ lim: number }>(db, `SELECT COALESCE(registry_storage_limit, 0) AS lim FROM namespaces WHERE id = $1`, [groupId]);
    return Number(row?.lim ?? 0);
  }

  async setGroupLimit(db: EntityManager, groupId: number, limit: number): Promise<void> {
    await execute(db, `UPDATE namespaces SET registry_storage_limit = $2 WHERE id = $1 AND kind = 'group'`, [groupId, limit]);
  }

  async defaultLimit(db: EntityManager): Promise<number> {
    const row = await queryOne<{ lim: number }>(db, `SELECT container_registry_storage_limit AS lim FROM application_settings WHERE id = 1`);
    return Number(row?.lim ?? 0);
  }

  async setDefaultLimit(db: EntityManager, limit: number): Promise<void> {
    await execute(
      db,
      `INSERT INTO application_settings (id, container_registry_storage_limit, updated_at) VALUES (1, $1, now())
       ON CONFLICT (id) DO UPDATE SET container_registry_storage_limit = $1, updated_at = now()`,
      [limit],
    );
  }
}
