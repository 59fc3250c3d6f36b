import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * GitLab's `container_registry_access_level` per project: `enabled` (the registry follows the project's
 * visibility), `private` (only members with Reporter or more pull, even in a public project) or `disabled`
 * (no pulls or pushes at all). Existing projects keep today's behaviour: `enabled`.
 */
export class AddProjectRegistryAccessLevel1763800022000 implements MigrationInterface {
  name = 'AddProjectRegistryAccessLevel1763800022000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE projects ADD COLUMN IF NOT EXISTS container_registry_access_level text NOT NULL DEFAULT 'enabled'`);
    await db.query(`ALTER TABLE projects DROP CONSTRAINT IF EXISTS ck_projects_container_registry_access_level`);
    await db.query(
      `ALTER TABLE projects ADD CONSTRAINT ck_projects_container_registry_access_level
         CHECK (container_registry_access_level IN ('enabled', 'private', 'disabled'))`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE projects DROP CONSTRAINT IF EXISTS ck_projects_container_registry_access_level`);
    await db.query(`ALTER TABLE projects DROP COLUMN IF EXISTS container_registry_access_level`);
  }
}
