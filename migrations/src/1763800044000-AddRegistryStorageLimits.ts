import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Registry storage limits (`container_registry_storage_limit`, bytes). On a project, NULL means "the instance
 * default applies" and 0 "no limit"; on a group NULL or 0 means no limit; the instance default (0: none) lives in
 * `application_settings`. No usage counters are stored: a push's check sums the namespace's distinct blobs (see
 * libs/registry/src/quota), so concurrent pushes share no row.
 *
 * `ix_manifests_on_digest`: a manifest push asks whether its digest is already stored anywhere in the top-level
 * namespace (then it costs nothing), which the (repository_id, digest) index cannot answer.
 */
export class AddRegistryStorageLimits1763800044000 implements MigrationInterface {
  name = 'AddRegistryStorageLimits1763800044000';

  async up(db: QueryRunner): Promise<void> {
    for (const table of ['projects', 'namespaces']) {
      await db.query(`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS registry_storage_limit bigint`);
      await db.query(`ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ck_${table}_registry_storage_limit`);
      await db.query(`ALTER TABLE ${table} ADD CONSTRAINT ck_${table}_registry_storage_limit CHECK (registry_storage_limit >= 0)`);
    }
    await db.query(`ALTER TABLE application_settings ADD COLUMN IF NOT EXISTS container_registry_storage_limit bigint NOT NULL DEFAULT 0`);
    await db.query(`ALTER TABLE application_settings DROP CONSTRAINT IF EXISTS ck_application_settings_container_registry_storage_limit`);
    await db.query(
      `ALTER TABLE application_settings ADD CONSTRAINT ck_application_settings_container_registry_storage_limit CHECK (container_registry_storage_limit >= 0)`,
    );
    await db.query(`CREATE INDEX IF NOT EXISTS ix_manifests_on_digest ON manifests (digest)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS ix_manifests_on_digest`);
    await db.query(`ALTER TABLE application_settings DROP CONSTRAINT IF EXISTS ck_application_settings_container_registry_storage_limit`);
    await db.query(`ALTER TABLE application_settings DROP COLUMN IF EXISTS container_registry_storage_limit`);
    for (const table of ['projects', 'namespaces']) {
      await db.query(`ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ck_${table}_registry_storage_limit`);
      await db.query(`ALTER TABLE ${table} DROP COLUMN IF EXISTS registry_storage_limit`);
    }
  }
}
