import { EntityManager } from 'typeorm';

/** What registry events need to say about a delete, read inside the deleting transaction. */

export async function manifestDigestById(db: EntityManager, manifestId: number): Promise<string | null> {
  const rows = await db.query(`SELECT digest FROM manifests WHERE id = $1`, [manifestId]);
  return rows[0]?.digest ?? null;
}

/** Tags pointing at a manifest, read before a delete by digest removes them with it. */
export async function tagNamesOfManifest(db: EntityManager, manifestId: number): Promise<string[]> {
  const rows: Array<{ name: string }> = await db.query(`SELECT name FROM tags WHERE manifest_id = $1 ORDER BY name`, [manifestId]);
  return rows.map((row) => row.name);
}
