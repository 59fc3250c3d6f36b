import { EntityManager } from 'typeorm';
import { queryOne, typedQuery } from '@cargohold/db';
import { DependencyProxySettingsRow } from './virtual-registry-rows';

const COLUMNS = `group_id AS "groupId", enabled, ttl_policy_enabled AS "ttlPolicyEnabled", ttl_days AS "ttlDays"`;

/** A group without a row has the defaults: enabled, TTL policy enabled, 90 days (the migration's column defaults). */
export const DEFAULT_DEPENDENCY_PROXY_SETTINGS: Omit<DependencyProxySettingsRow, 'groupId'> = { enabled: true, ttlPolicyEnabled: true, ttlDays: 90 };

/** `dependency_proxy_group_settings`: whether a top-level group's dependency proxy serves, and its TTL policy. */
export class DependencyProxySettingsRepository {
  async get(db: EntityManager, groupId: number): Promise<DependencyProxySettingsRow> {
    const row = await queryOne<DependencyProxySettingsRow>(db, `SELECT ${COLUMNS} FROM dependency_proxy_group_settings WHERE group_id = $1`, [groupId]);
    return row ?? { groupId, ...DEFAULT_DEPENDENCY_PROXY_SETTINGS };
  }

  async update(db: EntityManager, groupId: number, change: Partial<Omit<DependencyProxySettingsRow, 'groupId'>>): Promise<DependencyProxySettingsRow> {
    const [row] = await typedQuery<DependencyProxySettingsRow>(
      db,
      `INSERT INTO dependency_proxy_group_settings AS s (group_id, enabled, ttl_policy_enabled, ttl_days)
       VALUES ($1, coalesce($2, true), coalesce($3, true), coalesce($4, 90))
       ON CONFLICT (group_id) DO UPDATE
         SET enabled = coalesce($2, s.enabled), ttl_policy_enabled = coalesce($3, s.ttl_policy_enabled),
             ttl_days = coalesce($4, s.ttl_days), updated_at = now()
       RETURNING ${COLUMNS}`,
      [groupId, change.enabled ?? null, change.ttlPolicyEnabled ?? null, change.ttlDays ?? null],
    );
    return row;
  }

  /**
   * Every upstream whose entries expire, with its TTL in days: dependency proxies by their group's policy (default
   * enabled, 90 days), virtual registry upstreams by `virtualRegistryTtlDays` (0: they never expire).
   */
  async expiringUpstreams(db: EntityManager, virtualRegistryTtlDays: number): Promise<{ upstreamId: number; ttlDays: number }[]> {
    return typedQuery<{ upstreamId: number; ttlDays: number }>(
      db,
      `SELECT u.id AS "upstreamId", coalesce(s.ttl_days, 90) AS "ttlDays"
         FROM container_upstreams u LEFT JOIN dependency_proxy_group_settings s ON s.group_id = u.group_id
        WHERE u.kind = 'dependency_proxy' AND coalesce(s.ttl_policy_enabled, true)
       UNION ALL
       SELECT u.id, $1::int FROM container_upstreams u WHERE u.kind = 'virtual_registry' AND $1::int > 0
       ORDER BY 1`,
      [virtualRegistryTtlDays],
    );
  }
}
