import { EntityManager } from 'typeorm';
import { execute, queryOne, typedQuery } from '@cargohold/db';
import { RegistryUpstreamRow, UpstreamRow, VirtualRegistryRow } from './virtual-registry-rows';
import { upstreamColumns } from './upstream.repository';

const REGISTRY_COLUMNS = `id, group_id AS "groupId", name, description, created_at AS "createdAt", updated_at AS "updatedAt"`;
const ASSOCIATION_COLUMNS = `id, registry_id AS "registryId", upstream_id AS "upstreamId", position::int AS position`;

/** `container_virtual_registries` and their ordered upstream associations (`container_registry_upstreams`). */
export class VirtualRegistryRepository {
  async listByGroup(db: EntityManager, groupId: number): Promise<VirtualRegistryRow[]> {
    return typedQuery<VirtualRegistryRow>(db, `SELECT ${REGISTRY_COLUMNS} FROM container_virtual_registries WHERE group_id = $1 ORDER BY id`, [groupId]);
  }

  async find(db: EntityManager, id: number): Promise<VirtualRegistryRow | null> {
    return queryOne<VirtualRegistryRow>(db, `SELECT ${REGISTRY_COLUMNS} FROM container_virtual_registries WHERE id = $1`, [id]);
  }

  /**
   * Locks the group's row for the rest of the transaction: creations that count against a per-group or per-registry
   * limit serialise on it, so two concurrent creations cannot both see room for one more.
   */
  async lockGroup(db: EntityManager, groupId: number): Promise<void> {
    await execute(db, `SELECT id FROM namespaces WHERE id = $1 FOR UPDATE`, [groupId]);
  }

  /** The top-level group at `path`, as a dependency proxy URL names it (image names are lowercase, paths need not be). */
  async topLevelGroupId(db: EntityManager, path: string): Promise<number | null> {
    const row = await queryOne<{ id: number }>(
      db,
      `SELECT id FROM namespaces WHERE kind = 'group' AND parent_id IS NULL AND lower(full_path) = lower($1) ORDER BY full_path = $1 DESC LIMIT 1`,
      [path],
    );
    return row?.id ?? null;
  }

  async create(db: EntityManager, groupId: number, name: string, description: string): Promise<VirtualRegistryRow> {
    const [row] = await typedQuery<VirtualRegistryRow>(
      db,
      `INSERT INTO container_virtual_registries (group_id, name, description) VALUES ($1, $2, $3) RETURNING ${REGISTRY_COLUMNS}`,
      [groupId, name, description],
    );
    return row;
  }

  async update(db: EntityManager, id: number, change: { name?: string; description?: string }): Promise<VirtualRegistryRow | null> {
    return queryOne<VirtualRegistryRow>(
      db,
      `UPDATE container_virtual_registries SET name = coalesce($2, name), description = coalesce($3, description), updated_at = now()
        WHERE id = $1 RETURNING ${REGISTRY_COLUMNS}`,
      [id, change.name ?? null, change.description ?? null],
    );
  }

  /** Deletes the registry; its associations cascade. The caller removes exclusive upstreams first (their entries). */
  async delete(db: EntityManager, id: number): Promise<boolean> {
    const rows = await typedQuery<{ id: number }>(db, `DELETE FROM container_virtual_registries WHERE id = $1 RETURNING id`, [id]);
    return rows.length > 0;
  }

  /** The registry's associations in position order. */
  async associations(db: EntityManager, registryId: number): Promise<RegistryUpstreamRow[]> {
    return typedQuery<RegistryUpstreamRow>(db, `SELECT ${ASSOCIATION_COLUMNS} FROM container_registry_upstreams WHERE registry_id = $1 ORDER BY position`, [registryId]);
  }

  async findAssociation(db: EntityManager, id: number): Promise<RegistryUpstreamRow | null> {
    return queryOne<RegistryUpstreamRow>(db, `SELECT ${ASSOCIATION_COLUMNS} FROM container_registry_upstreams WHERE id = $1`, [id]);
  }

  /** Associations of one upstream (with every registry it serves). */
  async associationsOfUpstream(db: EntityManager, upstreamId: number): Promise<RegistryUpstreamRow[]> {
    return typedQuery<RegistryUpstreamRow>(
      db,
      `SELECT ${ASSOCIATION_COLUMNS} FROM container_registry_upstreams WHERE upstream_id = $1 ORDER BY registry_id`,
      [upstreamId],
    );
  }

  /** Appends the upstream at the end of the registry's order; null when it is already associated. */
  async associate(db: EntityManager, registryId: number, upstreamId: number): Promise<RegistryUpstreamRow | null> {
    return queryOne<RegistryUpstreamRow>(
      db,
      `INSERT INTO container_registry_upstreams (registry_id, upstream_id, position)
       SELECT $1, $2, coalesce(max(position), 0) + 1 FROM container_registry_upstreams WHERE registry_id = $1
       ON CONFLICT (registry_id, upstream_id) DO NOTHING
       RETURNING ${ASSOCIATION_COLUMNS}`,
      [registryId, upstreamId],
    );
  }

  /**
   * Moves an association to `position` (clamped to the registry's last), shifting those in between by one, in one
   * statement; the position uniqueness is deferred to commit. The caller holds the group lock.
   */
  async move(db: EntityManager, associationId: number, position: number): Promise<RegistryUpstreamRow | null> {
    const current = await this.findAssociation(db, associationId);
    if (!current) return null;
    const [{ last }] = await typedQuery<{ last: number }>(
      db,
      `SELECT max(position)::int AS last FROM container_registry_upstreams WHERE registry_id = $1`,
      [current.registryId],
    );
    const target = Math.min(position, last);
    if (target !== current.position) {
      await execute(
        db,
        `UPDATE container_registry_upstreams
            SET position = CASE WHEN id = $2 THEN $4::int
                                WHEN $4::int < $3::int THEN position + 1
                                ELSE position - 1 END
          WHERE registry_id = $1 AND position BETWEEN least($3::int, $4::int) AND greatest($3::int, $4::int)`,
        [current.registryId, associationId, current.position, target],
      );
    }
    return this.findAssociation(db, associationId);
  }

  /** Removes an association and closes the gap it leaves. */
  async disassociate(db: EntityManager, associationId: number): Promise<RegistryUpstreamRow | null> {
    const gone = await queryOne<RegistryUpstreamRow>(db, `DELETE FROM container_registry_upstreams WHERE id = $1 RETURNING ${ASSOCIATION_COLUMNS}`, [associationId]);
    if (gone) await this.compact(db, gone.registryId);
    return gone;
  }

  /** Renumbers a registry's positions 1..n in their current order (after an upstream or association went). */
  async compact(db: EntityManager, registryId: number): Promise<void> {
    await execute(
      db,
      `UPDATE container_registry_upstreams ru SET position = ordered.n
         FROM (SELECT id, row_number() OVER (ORDER BY position) AS n FROM container_registry_upstreams WHERE registry_id = $1) ordered
        WHERE ru.id = ordered.id AND ru.position <> ordered.n`,
      [registryId],
    );
  }

  /** What a pull through the registry tries, in order. */
  async upstreamsInOrder(db: EntityManager, registryId: number): Promise<UpstreamRow[]> {
    return typedQuery<UpstreamRow>(
      db,
      `SELECT ${upstreamColumns('u.')} FROM container_registry_upstreams ru JOIN container_upstreams u ON u.id = ru.upstream_id
        WHERE ru.registry_id = $1 ORDER BY ru.position`,
      [registryId],
    );
  }
}
