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
 * By creation, ties go by name too: the two directions of ix_tags_on_repository_id_and_created_at_and_name.
 */
export interface TagListOrder {
  by: 'name' | 'created_at' | 'last_pulled_at';
  desc: boolean;
}

const BY_NAME: TagListOrder = { by: 'name', desc: false };

/**
 * How many matching tags an offset listing counts at most (GitLab's limit for X-Total): past it the count would
 * cost a scan of the repository's tags on every page, so the listing says "more" instead.
 */
export const TAG_COUNT_LIMIT = 10_000;

const LIST_COLUMNS = `t.name, t.last_pulled_at AS "lastPulledAt", t.pull_count AS "pullCount"`;

/** The columns of TagDetailsRecord: the tag's own and its manifest's (joined as m). */
const DETAIL_COLUMNS = `${LIST_COLUMNS}, m.digest, m.config_digest AS "configDigest", m.total_size AS "totalSize", t.created_at AS "createdAt",
       m.last_pulled_at AS "manifestLastPulledAt", m.pull_count AS "manifestPullCount"`;

/** The ORDER BY of a listing, on the columns of `table` (`t`, or the inner page of an offset query). */
function orderBy(order: TagListOrder, table = 't'): string {
  const direction = order.desc ? 'DESC' : 'ASC';
  if (order.by === 'name') return `${table}.name ${direction}`;
  if (order.by === 'created_at') return `${table}.created_at ${direction}, ${table}.name ${direction}`;
  return order.desc ? `${table}.last_pulled_at DESC NULLS LAST, ${table}.name DESC` : `${table}.last_pulled_at ASC NULLS FIRST, ${table}.name ASC`;
}

/** The columns an order reads: all of them in the index that serves it, so the skip is an index-only scan. */
function orderColumns(order: TagListOrder): string {
  return order.by === 'name' ? 't.name' : `t.name, t.${order.by}`;
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
  /** The matching tags, counted up to `upTo` (a count past it reads `upTo + 1`): bounded work at any size. */
  async count(db: EntityManager, repositoryId: number, name?: string, upTo = TAG_COUNT_LIMIT): Promise<number> {
    const [filter, params] = nameFilter(name, [repositoryId]);
    const [row] = await typedQuery<{ n: number }>(
      db,
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM tags t WHERE t.repository_id = $1 ${filter} LIMIT $${params.length + 1}) counted`,
      [...params, upTo + 1],
    );
    return row.n;
  }

  /**
   * Offset pagination (GitLab's default for tags). The offset is skipped in an inner select of the order's columns
   * only, all in the index that serves the order (ix_tags_on_repository_id_and_name, …_last_pulled_at_and_name,
   * …_created_at_and_name), so it runs as an index-only scan without visiting the heap; only the page's rows are
   * then read from the table (and their manifests joined), in the inner order without a sort. At 1 000 000 tags,
   * skipping 500 000 fetched every skipped row from the heap in 873 ms; this way 206 ms under the same load
   * (docs/performance.md). A deep page still costs its offset in index entries; keyset pages do not.
   *
   * With `from` (by name ascending without a filter: a name whose rank is known, see TagRankAnchors), the skip starts
   * at that name: the page at its rank plus `offset`, for a skip of at most the anchors' spacing.
   */
  async page(db: EntityManager, repositoryId: number, limit: number, offset: number, name?: string, order: TagListOrder = BY_NAME, from?: string): Promise<TagListItem[]> {
    return this.offsetQuery<TagListItem>(db, LIST_COLUMNS, '', { repositoryId, limit, offset, name, order, from });
  }

  /** An offset page with each tag's details (digest, size, creation, its manifest's pulls): one query, one row a tag. */
  async detailedPage(db: EntityManager, repositoryId: number, limit: number, offset: number, name?: string, order: TagListOrder = BY_NAME, from?: string): Promise<TagDetailsRecord[]> {
    return this.offsetQuery<TagDetailsRecord>(db, DETAIL_COLUMNS, 'JOIN manifests m ON m.id = t.manifest_id', { repositoryId, limit, offset, name, order, from });
  }

  /**
   * Rank anchors of a repository's tags in name order: the name `spacing` places after `after` (or the first name,
   * when `after` is null), then every `spacing`-th name after that, at most `count` names; fewer once the list ends.
   * One statement: each step skips `spacing` entries of ix_tags_on_repository_id_and_name (index only) from the last.
   */
  async rankAnchors(db: EntityManager, repositoryId: number, after: string | null, count: number, spacing: number): Promise<string[]> {
    const rows = await typedQuery<{ name: string }>(
      db,
      `WITH RECURSIVE anchor(name, n) AS (
         SELECT CASE WHEN $2::text IS NULL
                     THEN (SELECT t.name FROM tags t WHERE t.repository_id = $1 ORDER BY t.name LIMIT 1)
                     ELSE (SELECT t.name FROM tags t WHERE t.repository_id = $1 AND t.name > $2::text ORDER BY t.name OFFSET $4::int - 1 LIMIT 1)
                END, 1
         UNION ALL
         SELECT (SELECT t.name FROM tags t WHERE t.repository_id = $1 AND t.name > a.name ORDER BY t.name OFFSET $4::int - 1 LIMIT 1), a.n + 1
           FROM anchor a WHERE a.name IS NOT NULL AND a.n < $3::int)
       SELECT name FROM anchor WHERE name IS NOT NULL ORDER BY n`,
      [repositoryId, after, count, spacing],
    );
    return rows.map((row) => row.name);
  }

  private async offsetQuery<T extends object>(
    db: EntityManager,
    columns: string,
    join: string,
    page: { repositoryId: number; limit: number; offset: number; name?: string; order: TagListOrder; from?: string },
  ): Promise<T[]> {
    const [filter, params] = nameFilter(page.name, [page.repositoryId]);
    if (page.from !== undefined) params.push(page.from);
    const from = page.from !== undefined ? `AND t.name >= $${params.length}` : '';
    return typedQuery<T>(
      db,
      `SELECT ${columns}
         FROM (SELECT ${orderColumns(page.order)} FROM tags t WHERE t.repository_id = $1 ${filter} ${from}
                ORDER BY ${orderBy(page.order)} LIMIT $${params.length + 1} OFFSET $${params.length + 2}) page
         JOIN tags t ON t.repository_id = $1 AND t.name = page.name ${join}
        ORDER BY ${orderBy(page.order, 'page')}`,
      [...params, page.limit, page.offset],
    );
  }

  async keysetPage(db: EntityManager, repositoryId: number, request: KeysetRequest): Promise<TagListItem[]> {
    const [filter, params] = nameFilter(request.name, [repositoryId]);
    let after = '';
    if (request.last !== undefined) {
      params.push(request.last);
      after = `AND t.name ${request.desc ? '<' : '>'} $${params.length}`;
    }
    params.push(request.limit);
    return typedQuery<TagListItem>(
      db,
      `SELECT ${LIST_COLUMNS} FROM tags t WHERE t.repository_id = $1 ${filter} ${after} ORDER BY t.name ${request.desc ? 'DESC' : 'ASC'} LIMIT $${params.length}`,
      params,
    );
  }

  async details(db: EntityManager, repositoryId: number, name: string): Promise<TagDetailsRecord | null> {
    return queryOne<TagDetailsRecord>(
      db,
      `SELECT ${DETAIL_COLUMNS} FROM tags t JOIN manifests m ON m.id = t.manifest_id WHERE t.repository_id = $1 AND t.name = $2`,
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
  // Served by the trigram index ix_tags_on_name_trgm when the text is 3 characters or more.
  return [`AND t.name ILIKE $${params.length}`, params];
}
