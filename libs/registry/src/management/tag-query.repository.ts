import { EntityManager } from 'typeorm';
import { queryOne, typedQuery } from '@cargohold/db';
import { deletionParams, recordDeletedTagsCte } from '../deleted-tags/deleted-tag.repository';
import { TagDeletion } from '../deleted-tags/tag-deletion';
import { escapeLike } from './repository-query.repository';

/** A tag in a listing, with its pull statistics (manifest GETs by its name or by the digest it named). */
export interface TagListItem {
  name: string;
  lastPulledAt: Date | null;
  pullCount: number;
}

export interface TagDetailsRecord extends TagListItem {
  /** The pulls of the manifest the tag names, by any of its tags or by digest. */
  manifestLastPulledAt: Date | null;
  manifestPullCount: number;
  digest: string;
  configDigest: string | null;
  totalSize: number;
  createdAt: Date;
}

/**
 * How a tag listing is ordered. By last pull, ties go by name in the same direction and never-pulled tags come
 * first ascending, last descending: the two directions of ix_tags_on_repository_id_and_last_pulled_at_and_name.
 */
export interface TagListOrder {
  by: 'name' | 'last_pulled_at';
  desc: boolean;
}

const BY_NAME: TagListOrder = { by: 'name', desc: false };

const LIST_COLUMNS = `name, last_pulled_at AS "lastPulledAt", pull_count AS "pullCount"`;

function orderBy(order: TagListOrder): string {
  if (order.by === 'name') return `name ${order.desc ? 'DESC' : 'ASC'}`;
  return order.desc ? 'last_pulled_at DESC NULLS LAST, name DESC' : 'last_pulled_at ASC NULLS FIRST, name ASC';
}

/** What retention needs to decide about a tag, and what the delete needs to remove exactly that tag. */
export interface TagCandidate {
  name: string;
  manifestId: number;
  /** The last push of the tag: GitLab's `updated_at || created_at`, so a tag moved yesterday is young. */
  pushedAt: Date;
  /** The last manifest GET by its name or by the digest it named; null: never pulled. */
  lastPulledAt: Date | null;
  pullCount: number;
}

export interface KeysetRequest {
  limit: number;
  desc: boolean;
  /** The last name of the previous page. */
  last?: string;
  /** Substring of the tag name, case-insensitive. */
  name?: string;
}

/**
 * Tag listings for the management API. Names are COLLATE "C", so ORDER BY name and the keyset comparisons
 * walk ix_tags_on_repository_id_and_name (forward or backward) and a page costs the same at any depth.
 */
export class TagQueryRepository {
  async count(db: EntityManager, repositoryId: number, name?: string): Promise<number> {
    const [filter, params] = nameFilter(name, [repositoryId]);
    const [row] = await typedQuery<{ n: number }>(db, `SELECT count(*)::int AS n FROM tags WHERE repository_id = $1 ${filter}`, params);
    return row.n;
  }

  /** Offset pagination (GitLab's default for tags). Deep pages cost their offset; keyset pages do not. */
  async page(db: EntityManager, repositoryId: number, limit: number, offset: number, name?: string, order: TagListOrder = BY_NAME): Promise<TagListItem[]> {
    const [filter, params] = nameFilter(name, [repositoryId]);
    return typedQuery<TagListItem>(
      db,
      `SELECT ${LIST_COLUMNS} FROM tags WHERE repository_id = $1 ${filter} ORDER BY ${orderBy(order)} LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, limit, offset],
    );
  }

  async keysetPage(db: EntityManager, repositoryId: number, request: KeysetRequest): Promise<TagListItem[]> {
    const [filter, params] = nameFilter(request.name, [repositoryId]);
    let after = '';
    if (request.last !== undefined) {
      params.push(request.last);
      after = `AND name ${request.desc ? '<' : '>'} $${params.length}`;
    }
    params.push(request.limit);
    return typedQuery<TagListItem>(
      db,
      `SELECT ${LIST_COLUMNS} FROM tags WHERE repository_id = $1 ${filter} ${after} ORDER BY name ${request.desc ? 'DESC' : 'ASC'} LIMIT $${params.length}`,
      params,
    );
  }

  async details(db: EntityManager, repositoryId: number, name: string): Promise<TagDetailsRecord | null> {
    return queryOne<TagDetailsRecord>(
      db,
      `SELECT t.name, m.digest, m.config_digest AS "configDigest", m.total_size AS "totalSize", t.created_at AS "createdAt",
              t.last_pulled_at AS "lastPulledAt", t.pull_count AS "pullCount",
              m.last_pulled_at AS "manifestLastPulledAt", m.pull_count AS "manifestPullCount"
         FROM tags t JOIN manifests m ON m.id = t.manifest_id
        WHERE t.repository_id = $1 AND t.name = $2`,
      [repositoryId, name],
    );
  }

  /** Every tag of the repository with its push and pull times: retention needs the whole set to order it. */
  async candidates(db: EntityManager, repositoryId: number): Promise<TagCandidate[]> {
    return typedQuery<TagCandidate>(
      db,
      `SELECT name, manifest_id AS "manifestId", GREATEST(created_at, updated_at) AS "pushedAt", last_pulled_at AS "lastPulledAt",
              pull_count AS "pullCount"
         FROM tags WHERE repository_id = $1`,
      [repositoryId],
    );
  }

  /**
   * Deletes the tags that still point where they pointed when retention judged them: a tag re-pushed in
   * between is new and stays. The deleted ones are recorded as deleted (restorable) by the same statement.
   * Returns how many went and the manifests that lost a tag (for the GC review queue).
   */
  async deleteUnmoved(
    db: EntityManager,
    repositoryId: number,
    tags: Array<Pick<TagCandidate, 'name' | 'manifestId'>>,
    deletion: TagDeletion,
  ): Promise<{ deleted: number; manifestIds: number[] }> {
    if (tags.length === 0) return { deleted: 0, manifestIds: [] };
    const counted = await typedQuery<{ manifestId: number; n: number }>(
      db,
      `WITH gone AS (
         DELETE FROM tags t USING unnest($2::text[], $3::bigint[]) AS v(name, manifest_id)
          WHERE t.repository_id = $1 AND t.name = v.name AND t.manifest_id = v.manifest_id
         RETURNING t.repository_id, t.name, t.manifest_id),
       ${recordDeletedTagsCte('gone', 4)}
       SELECT manifest_id AS "manifestId", count(*)::int AS n FROM gone GROUP BY manifest_id`,
      [repositoryId, tags.map((t) => t.name), tags.map((t) => t.manifestId), ...deletionParams(deletion)],
    );
    return { deleted: counted.reduce((sum, row) => sum + row.n, 0), manifestIds: counted.map((row) => row.manifestId) };
  }
}

function nameFilter(name: string | undefined, params: unknown[]): [string, unknown[]] {
  if (!name) return ['', params];
  params.push(`%${escapeLike(name)}%`);
  return [`AND name ILIKE $${params.length}`, params];
}
