import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The pull-through cache (#20): container virtual registries of a top-level group, their ordered upstreams, the
 * cache entries each upstream holds, and the group dependency proxy's settings.
 *
 * The dependency proxy is one more upstream (`kind = 'dependency_proxy'`, at most one per group, `url` NULL: the
 * configured Docker Hub URL applies), so caching, TTL, purge and GC have one implementation.
 *
 * A cache entry names its content by digest with a foreign key to `blobs`: the bytes (a layer, or a manifest's exact
 * bytes) live in the content-addressed store like a pushed blob's, stored once. GC treats an entry as a holder of
 * the blob (`ix_container_upstream_cache_entries_on_digest`), and the foreign key makes a missed check fail loudly.
 * Upstream passwords are stored sealed (AES-256-GCM, `password_sealed`), never in clear.
 */
export class CreateContainerVirtualRegistries1763800050000 implements MigrationInterface {
  name = 'CreateContainerVirtualRegistries1763800050000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE IF NOT EXISTS container_virtual_registries (
        id bigserial CONSTRAINT pk_container_virtual_registries PRIMARY KEY,
        group_id bigint NOT NULL CONSTRAINT fk_container_virtual_registries_group_id_namespaces REFERENCES namespaces (id) ON DELETE CASCADE,
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX IF NOT EXISTS ix_container_virtual_registries_on_group_id ON container_virtual_registries (group_id, id)`);

    await db.query(`
      CREATE TABLE IF NOT EXISTS container_upstreams (
        id bigserial CONSTRAINT pk_container_upstreams PRIMARY KEY,
        group_id bigint NOT NULL CONSTRAINT fk_container_upstreams_group_id_namespaces REFERENCES namespaces (id) ON DELETE CASCADE,
        kind text NOT NULL DEFAULT 'virtual_registry' CONSTRAINT ck_container_upstreams_kind CHECK (kind IN ('virtual_registry', 'dependency_proxy')),
        url text,
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        cache_validity_hours integer NOT NULL DEFAULT 24 CONSTRAINT ck_container_upstreams_cache_validity_hours CHECK (cache_validity_hours >= 0),
        username text,
        password_sealed bytea,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_container_upstreams_credentials CHECK ((username IS NULL) = (password_sealed IS NULL)),
        CONSTRAINT ck_container_upstreams_url CHECK ((kind = 'dependency_proxy') = (url IS NULL))
      )`);
    await db.query(`CREATE INDEX IF NOT EXISTS ix_container_upstreams_on_group_id ON container_upstreams (group_id, id)`);
    await db.query(
      `CREATE UNIQUE INDEX IF NOT EXISTS uq_container_upstreams_dependency_proxy_on_group_id ON container_upstreams (group_id) WHERE kind = 'dependency_proxy'`,
    );

    // Positions are contiguous from 1 within a registry; a move shifts its neighbours in the same statement, so the
    // uniqueness is checked at commit.
    await db.query(`
      CREATE TABLE IF NOT EXISTS container_registry_upstreams (
        id bigserial CONSTRAINT pk_container_registry_upstreams PRIMARY KEY,
        registry_id bigint NOT NULL CONSTRAINT fk_container_registry_upstreams_registry_id_container_virtual_registries
          REFERENCES container_virtual_registries (id) ON DELETE CASCADE,
        upstream_id bigint NOT NULL CONSTRAINT fk_container_registry_upstreams_upstream_id_container_upstreams
          REFERENCES container_upstreams (id) ON DELETE CASCADE,
        position smallint NOT NULL CONSTRAINT ck_container_registry_upstreams_position CHECK (position BETWEEN 1 AND 20),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_container_registry_upstreams_registry_id_upstream_id UNIQUE (registry_id, upstream_id),
        CONSTRAINT uq_container_registry_upstreams_registry_id_position UNIQUE (registry_id, position) DEFERRABLE INITIALLY DEFERRED
      )`);
    await db.query(`CREATE INDEX IF NOT EXISTS ix_container_registry_upstreams_on_upstream_id ON container_registry_upstreams (upstream_id)`);

    await db.query(`
      CREATE TABLE IF NOT EXISTS container_upstream_cache_entries (
        upstream_id bigint NOT NULL CONSTRAINT fk_container_upstream_cache_entries_upstream_id_container_upstreams
          REFERENCES container_upstreams (id) ON DELETE CASCADE,
        relative_path text COLLATE "C" NOT NULL,
        digest text NOT NULL CONSTRAINT fk_container_upstream_cache_entries_digest_blobs REFERENCES blobs (digest),
        content_type text NOT NULL,
        size bigint NOT NULL,
        upstream_etag text,
        upstream_checked_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        downloaded_at timestamptz NOT NULL DEFAULT now(),
        downloads_count bigint NOT NULL DEFAULT 0,
        CONSTRAINT pk_container_upstream_cache_entries PRIMARY KEY (upstream_id, relative_path)
      )`);
    await db.query(`CREATE INDEX IF NOT EXISTS ix_container_upstream_cache_entries_on_digest ON container_upstream_cache_entries (digest)`);
    await db.query(
      `CREATE INDEX IF NOT EXISTS ix_container_upstream_cache_entries_on_upstream_id_and_downloaded_at ON container_upstream_cache_entries (upstream_id, downloaded_at)`,
    );

    await db.query(`
      CREATE TABLE IF NOT EXISTS dependency_proxy_group_settings (
        group_id bigint CONSTRAINT pk_dependency_proxy_group_settings PRIMARY KEY
          CONSTRAINT fk_dependency_proxy_group_settings_group_id_namespaces REFERENCES namespaces (id) ON DELETE CASCADE,
        enabled boolean NOT NULL DEFAULT true,
        ttl_policy_enabled boolean NOT NULL DEFAULT true,
        ttl_days integer NOT NULL DEFAULT 90 CONSTRAINT ck_dependency_proxy_group_settings_ttl_days CHECK (ttl_days BETWEEN 1 AND 365),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of [
      'dependency_proxy_group_settings',
      'container_upstream_cache_entries',
      'container_registry_upstreams',
      'container_upstreams',
      'container_virtual_registries',
    ]) {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
