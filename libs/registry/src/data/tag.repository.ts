import { EntityManager } from 'typeorm';

/** The `tags` table. Names are COLLATE "C", so ORDER BY name is the lexical order the spec asks for. */
export class TagRepository {
  /**
   * Points the tag at the manifest (last write wins). Returns the manifest id the tag pointed to before,
   * when it moved, so that manifest can be reviewed by garbage collection.
   */
  async upsert(db: EntityManager, repositoryId: number, name: string, manifestId: number): Promise<number | null> {
    const previous = await db.query(`SELECT manifest_id AS "manifestId" FROM tags WHERE repository_id = $1 AND name = $2 FOR UPDATE`, [
      repositoryId,
      name,
    ]);
    await db.query(
      `INSERT INTO tags (repository_id, name, manifest_id) VALUES ($1, $2, $3)
       ON CONFLICT (repository_id, name) DO UPDATE SET manifest_id = EXCLUDED.manifest_id, updated_at = now()`,
      [repositoryId, name, manifestId],
    );
    const before: number | undefined = previous[0]?.manifestId;
    return before !== undefined && before !== manifestId ? before : null;
  }

  /** Removes a tag; returns the manifest id it pointed to, or null when there was no such tag. */
  async delete(db: EntityManager, repositoryId: number, name: string): Promise<number | null> {
    const rows = await db.query(
      `WITH gone AS (DELETE FROM tags WHERE repository_id = $1 AND name = $2 RETURNING manifest_id)
       SELECT manifest_id AS "manifestId" FROM gone`,
      [repositoryId, name],
    );
    return rows[0]?.manifestId ?? null;
  }

  async listNames(db: EntityManager, repositoryId: number, limit: number, after?: string): Promise<string[]> {
    const rows =
      after === undefined
        ? await db.query(`SELECT name FROM tags WHERE repository_id = $1 ORDER BY name LIMIT $2`, [repositoryId, limit])
        : await db.query(`SELECT name FROM tags WHERE repository_id = $1 AND name > $3 ORDER BY name LIMIT $2`, [
            repositoryId,
            limit,
            after,
          ]);
    return rows.map((row: { name: string }) => row.name);
  }
}

export async function queueManifestReview(db: EntityManager, manifestIds: number[], delaySeconds: number, reason: string): Promise<void> {
  if (manifestIds.length === 0) return;
  await db.query(
    `INSERT INTO gc_manifest_review_queue (manifest_id, review_after, reason)
     SELECT id, now() + make_interval(secs => $2), $3 FROM unnest($1::bigint[]) AS id
     ON CONFLICT (manifest_id) DO UPDATE SET review_after = EXCLUDED.review_after, reason = EXCLUDED.reason`,
    [manifestIds, delaySeconds, reason],
  );
}
