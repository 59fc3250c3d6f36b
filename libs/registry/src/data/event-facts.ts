import { EntityManager } from 'typeorm';
import { queryOne, typedQuery } from '@cargohold/db';

/** What registry events need to say about a delete, read inside the deleting transaction. */

export async function manifestDigestById(db: EntityManager, manifestId: number): Promise<string | null> {
  const row = await queryOne<{ digest: string }>(db, `SELECT digest FROM manifests WHERE id = $1`, [manifestId]);
  return row?.digest ?? null;
}

/**
 * Tags pointing at a manifest, read before a delete by digest removes them with it: the first `limit` names in
 * byte order (tags.name is COLLATE "C") and how many there are, in one statement. The names are a top-N sort, so
 * memory stays bounded however many tags the manifest has.
 */
export async function tagsOfManifest(db: EntityManager, manifestId: number, limit: number): Promise<{ names: string[]; count: number }> {
  const [row] = await typedQuery<{ names: string[]; count: number }>(
    db,
    `SELECT ARRAY(SELECT name FROM tags WHERE manifest_id = $1 ORDER BY name LIMIT $2) AS names,
            (SELECT count(*) FROM tags WHERE manifest_id = $1) AS count`,
    [manifestId, limit],
  );
  return { names: row.names, count: row.count };
}
