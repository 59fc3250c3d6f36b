import { EntityManager } from 'typeorm';
import { queryOne } from '@cargohold/db';

/** What the token service reads to decide pulls through the cache: which top-level group a path belongs to. */
export class PullThroughAccessRepository {
  /** The group owning a virtual registry, or null. */
  async groupOfVirtualRegistry(db: EntityManager, registryId: number): Promise<number | null> {
    const row = await queryOne<{ groupId: number }>(db, `SELECT group_id AS "groupId" FROM container_virtual_registries WHERE id = $1`, [registryId]);
    return row?.groupId ?? null;
  }

  /** A top-level group by path (image names are lowercase, group paths need not be). */
  async topLevelGroupByPath(db: EntityManager, path: string): Promise<number | null> {
    const row = await queryOne<{ id: number }>(
      db,
      `SELECT id FROM namespaces WHERE kind = 'group' AND parent_id IS NULL AND lower(full_path) = lower($1) ORDER BY full_path = $1 DESC LIMIT 1`,
      [path],
    );
    return row?.id ?? null;
  }

  /** Whether the project lies within the group (directly or in a subgroup). */
  async projectWithinGroup(db: EntityManager, projectId: number, groupId: number): Promise<boolean> {
    const row = await queryOne<{ within: boolean }>(
      db,
      `SELECT true AS within FROM projects p JOIN namespaces n ON n.id = p.namespace_id, namespaces g
        WHERE p.id = $1 AND g.id = $2 AND (n.id = g.id OR n.full_path LIKE replace(replace(g.full_path, '%', '\\%'), '_', '\\_') || '/%')`,
      [projectId, groupId],
    );
    return row !== null;
  }
}
