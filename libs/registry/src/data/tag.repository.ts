import { EntityManager } from 'typeorm';
import { execute, prepared, queryOne, typedQuery } from '@cargohold/db';
import { deletionParams, recordDeletedTagsCte } from '../deleted-tags/deleted-tag.repository';
import { TagDeletion } from '../deleted-tags/tag-deletion';

/** Every push by tag: move the tag (locking it, reading where it pointed) or create it. Prepared. */
const UPSERT = prepared(
  'tag_upsert',
  `WITH previous AS (SELECT id, manifest_id FROM tags WHERE repository_id = $1 AND name = $2 FOR UPDATE),
        moved AS (
          UPDATE tags SET manifest_id = $3, updated_at = now() FROM previous WHERE tags.id = previous.id
          RETURNING previous.manifest_id AS before),
        created AS (
          INSERT INTO tags (repository_id, name, manifest_id) SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM previous)
          ON CONFLICT (repository_id, name) DO NOTHING RETURNING NULL::bigint AS before)
   SELECT before FROM moved UNION ALL SELECT before FROM created`,
);

/** The `tags` table. Names are COLLATE "C", so ORDER BY name is the lexical order the spec asks for. */
export class TagRepository {
  /**
   * Points the tag at the manifest (last write wins). Returns the manifest id the tag pointed to before,
   * when it moved, so that manifest can be reviewed by garbage collection.
   */
  async upsert(db: EntityManager, repositoryId: number, name: string, manifestId: number): Promise<number | null> {
    // One round trip: move the tag if it exists (locking it, and reading where it pointed), else create it. When
    // a concurrent push created it after this statement's snapshot, neither happens: the next try moves it.
    for (;;) {
      const rows = await typedQuery<{ before: number | null }>(db, UPSERT, [repositoryId, name, manifestId]);
      if (rows.length === 0) continue;
      const { before } = rows[0];
      return before !== null && before !== manifestId ? before : null;
    }
  }

  /**
   * For a tag an immutable rule covers: creates it, or leaves it where it is. Returns the manifest it points to
   * afterwards (locked until the transaction ends), so the caller can tell an identical re-push from a move.
   */
  async createOrKeep(db: EntityManager, repositoryId: number, name: string, manifestId: number): Promise<number> {
    for (;;) {
      const existing = await queryOne<{ manifestId: number }>(
        db,
        `SELECT manifest_id AS "manifestId" FROM tags WHERE repository_id = $1 AND name = $2 FOR UPDATE`,
        [repositoryId, name],
      );
      if (existing) return existing.manifestId;
      if (await this.createIfAbsent(db, repositoryId, name, manifestId)) return manifestId;
      // Created by a concurrent push since the SELECT: read what it points to.
    }
  }

  /** Every tag name pointing at the manifest (protection rules judge each before a delete by digest). */
  async namesOfManifest(db: EntityManager, manifestId: number): Promise<string[]> {
    const rows = await typedQuery<{ name: string }>(db, `SELECT name FROM tags WHERE manifest_id = $1 ORDER BY name`, [manifestId]);
    return rows.map((row) => row.name);
  }

  /**
   * Removes a tag, recording it as deleted (restorable); returns the manifest id it pointed to, or null when
   * there was no such tag.
   */
  async delete(db: EntityManager, repositoryId: number, name: string, deletion: TagDeletion): Promise<number | null> {
    const row = await queryOne<{ manifestId: number }>(
      db,
      `WITH gone AS (DELETE FROM tags WHERE repository_id = $1 AND name = $2 RETURNING repository_id, name, manifest_id),
       ${recordDeletedTagsCte('gone', 3)}
       SELECT manifest_id AS "manifestId" FROM gone`,
      [repositoryId, name, ...deletionParams(deletion)],
    );
    return row?.manifestId ?? null;
  }

  /** Creates the tag unless the name is taken (a restore never moves a tag); false when it was taken. */
  async createIfAbsent(db: EntityManager, repositoryId: number, name: string, manifestId: number): Promise<boolean> {
    const rows = await typedQuery<{ id: number }>(
      db,
      `INSERT INTO tags (repository_id, name, manifest_id) VALUES ($1, $2, $3) ON CONFLICT (repository_id, name) DO NOTHING RETURNING id`,
      [repositoryId, name, manifestId],
    );
    return rows.length > 0;
  }

  /**
   * The repository at `path` (null when there is none) with up to `limit` of its tag names after `after`, in
   * order: one round trip per tags/list page. The names come back aggregated into one array by PostgreSQL: a
   * page of 10 000 names as one value instead of 10 000 rows took a quarter off tags/list (docs/performance.md).
   * Prepared (parsed and planned once per connection); two statements, so that `name > $3` stays an index
   * condition in the generic plan PostgreSQL may switch to after five runs (with `$3 IS NULL OR name > $3` it
   * could not be, and a page deep in a walk of a million tags would read every name before it).
   */
  async listNamesByPath(db: EntityManager, path: string, limit: number, after?: string): Promise<{ status: string | null; names: string[] } | null> {
    const row = await (after === undefined ? queryOne<ListedNames>(db, LIST_FIRST_NAMES, [path, limit]) : queryOne<ListedNames>(db, LIST_NAMES_AFTER, [path, limit, after]));
    return row && { status: row.status, names: row.names === '' ? [] : row.names.split(' ') };
  }
}

interface ListedNames {
  status: string | null;
  /** The page's names joined by spaces. */
  names: string;
}

/**
 * The names come as one space-joined text, not a text[]: node-postgres parses an array literal character by
 * character (15-20 ms for 10 000 names, the whole cost of a cold tags/list walk), a split costs 0.5 ms. Tag names
 * never contain a space (the reference grammar: letters, digits, `_`, `.`, `-`).
 */
const listNamesSql = (after: string) =>
  `SELECT r.status, (SELECT coalesce(string_agg(name, ' '), '') FROM (
          SELECT name FROM tags WHERE repository_id = r.id ${after} ORDER BY name LIMIT $2) page) AS names
     FROM repositories r WHERE r.path = $1`;
const LIST_FIRST_NAMES = prepared('tags_list_first', listNamesSql(''));
const LIST_NAMES_AFTER = prepared('tags_list_after', listNamesSql('AND name > $3'));

export async function queueManifestReview(db: EntityManager, manifestIds: number[], delaySeconds: number, reason: string): Promise<void> {
  if (manifestIds.length === 0) return;
  await execute(
    db,
    `INSERT INTO gc_manifest_review_queue (manifest_id, review_after, reason)
     SELECT id, now() + make_interval(secs => $2), $3 FROM unnest($1::bigint[]) AS id
     ON CONFLICT (manifest_id) DO UPDATE SET review_after = EXCLUDED.review_after, reason = EXCLUDED.reason`,
    [manifestIds, delaySeconds, reason],
  );
}
