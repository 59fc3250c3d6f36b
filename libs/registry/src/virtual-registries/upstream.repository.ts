import { EntityManager } from 'typeorm';
import { queryOne, typedQuery } from '@cargohold/db';
import { UpstreamKind, UpstreamRow } from './virtual-registry-rows';

/** The columns of an UpstreamRow, optionally qualified (`u.`). */
export function upstreamColumns(prefix = ''): string {
  const p = prefix;
  return `${p}id, ${p}group_id AS "groupId", ${p}kind, ${p}url, ${p}name, ${p}description, ${p}cache_validity_hours AS "cacheValidityHours",
          ${p}username, ${p}password_sealed AS "passwordSealed", ${p}created_at AS "createdAt", ${p}updated_at AS "updatedAt"`;
}

export interface NewUpstream {
  groupId: number;
  url: string;
  name: string;
  description: string;
  cacheValidityHours: number;
}

export interface UpstreamChange {
  url?: string;
  name?: string;
  description?: string;
  cacheValidityHours?: number;
}

/** `container_upstreams`: virtual registry upstreams and each group's dependency proxy upstream. */
export class UpstreamRepository {
  /** A group's virtual registry upstreams (not its dependency proxy), optionally filtered by a name fragment. */
  async listByGroup(db: EntityManager, groupId: number, nameLike: string | null, limit: number, offset: number): Promise<{ rows: UpstreamRow[]; total: number }> {
    const where = `group_id = $1 AND kind = 'virtual_registry' AND ($2::text IS NULL OR name ILIKE $2)`;
    const [{ total }] = await typedQuery<{ total: number }>(db, `SELECT count(*)::int AS total FROM container_upstreams WHERE ${where}`, [groupId, nameLike]);
    const rows = await typedQuery<UpstreamRow>(
      db,
      `SELECT ${upstreamColumns()} FROM container_upstreams WHERE ${where} ORDER BY id LIMIT $3 OFFSET $4`,
      [groupId, nameLike, limit, offset],
    );
    return { rows, total };
  }

  /** An upstream of this kind (null: of any kind). */
  async find(db: EntityManager, id: number, kind: UpstreamKind | null = 'virtual_registry'): Promise<UpstreamRow | null> {
    return queryOne<UpstreamRow>(db, `SELECT ${upstreamColumns()} FROM container_upstreams WHERE id = $1 AND ($2::text IS NULL OR kind = $2)`, [id, kind]);
  }

  /** The group's dependency proxy upstream if it was ever used or configured. */
  async findDependencyProxy(db: EntityManager, groupId: number): Promise<UpstreamRow | null> {
    return queryOne<UpstreamRow>(db, `SELECT ${upstreamColumns()} FROM container_upstreams WHERE group_id = $1 AND kind = 'dependency_proxy'`, [groupId]);
  }

  /** Upstreams of the group with this URL (the API refuses a second one with the same URL and credentials). */
  async findByUrl(db: EntityManager, groupId: number, url: string): Promise<UpstreamRow[]> {
    return typedQuery<UpstreamRow>(
      db,
      `SELECT ${upstreamColumns()} FROM container_upstreams WHERE group_id = $1 AND kind = 'virtual_registry' AND url = $2 ORDER BY id`,
      [groupId, url],
    );
  }

  async create(db: EntityManager, upstream: NewUpstream): Promise<UpstreamRow> {
    const [row] = await typedQuery<UpstreamRow>(
      db,
      `INSERT INTO container_upstreams (group_id, kind, url, name, description, cache_validity_hours)
       VALUES ($1, 'virtual_registry', $2, $3, $4, $5) RETURNING ${upstreamColumns()}`,
      [upstream.groupId, upstream.url, upstream.name, upstream.description, upstream.cacheValidityHours],
    );
    return row;
  }

  async update(db: EntityManager, id: number, change: UpstreamChange): Promise<UpstreamRow | null> {
    return queryOne<UpstreamRow>(
      db,
      `UPDATE container_upstreams
          SET url = coalesce($2, url), name = coalesce($3, name), description = coalesce($4, description),
              cache_validity_hours = coalesce($5, cache_validity_hours), updated_at = now()
        WHERE id = $1 RETURNING ${upstreamColumns()}`,
      [id, change.url ?? null, change.name ?? null, change.description ?? null, change.cacheValidityHours ?? null],
    );
  }

  /**
   * Sets or clears the credentials. The password arrives sealed (UpstreamCredentials.seal, bound to this upstream's
   * id), so this table never sees it in clear.
   */
  async setCredentials(db: EntityManager, id: number, credentials: { username: string; passwordSealed: Buffer } | null): Promise<void> {
    await typedQuery(
      db,
      `UPDATE container_upstreams SET username = $2, password_sealed = $3, updated_at = now() WHERE id = $1 RETURNING id`,
      [id, credentials?.username ?? null, credentials?.passwordSealed ?? null],
    );
  }

  /** Deletes the upstream; its associations and cache entries cascade (the caller queued their blobs for GC first). */
  async delete(db: EntityManager, id: number): Promise<boolean> {
    const rows = await typedQuery<{ id: number }>(db, `DELETE FROM container_upstreams WHERE id = $1 RETURNING id`, [id]);
    return rows.length > 0;
  }

  /** Upstreams associated with this registry and no other: they go (with their cache) when the registry does. */
  async exclusiveToRegistry(db: EntityManager, registryId: number): Promise<number[]> {
    const rows = await typedQuery<{ id: number }>(
      db,
      `SELECT ru.upstream_id AS id FROM container_registry_upstreams ru
        WHERE ru.registry_id = $1
          AND NOT EXISTS (SELECT 1 FROM container_registry_upstreams o WHERE o.upstream_id = ru.upstream_id AND o.registry_id <> $1)
        ORDER BY ru.upstream_id`,
      [registryId],
    );
    return rows.map((row) => row.id);
  }

  /** The group's dependency proxy upstream, created on first use (url NULL: the configured Docker Hub URL applies). */
  async dependencyProxyUpstream(db: EntityManager, groupId: number): Promise<UpstreamRow> {
    const existing = await this.findDependencyProxy(db, groupId);
    if (existing) return existing;
    await typedQuery(
      db,
      `INSERT INTO container_upstreams (group_id, kind, url, name, description)
       VALUES ($1, 'dependency_proxy', NULL, 'Dependency Proxy', 'Docker Hub through the group dependency proxy')
       ON CONFLICT (group_id) WHERE kind = 'dependency_proxy' DO NOTHING RETURNING id`,
      [groupId],
    );
    const created = await this.findDependencyProxy(db, groupId);
    if (!created) throw new Error(`the dependency proxy upstream of group ${groupId} could not be created`);
    return created;
  }
}
