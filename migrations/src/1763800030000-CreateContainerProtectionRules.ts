import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Protected and immutable container tags, protected container repositories (GitLab's protection rules, issue #19).
 *
 * A tag rule whose two access levels are both null is an immutable rule (GitLab's representation). Levels are
 * GitLab's: 40 Maintainer, 50 Owner, 60 administrator. Pushes and deletes read a project's rules inside their
 * transaction with one lookup on (project_id), which the unique index serves.
 */
export class CreateContainerProtectionRules1763800030000 implements MigrationInterface {
  name = 'CreateContainerProtectionRules1763800030000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE IF NOT EXISTS container_protection_tag_rules (
        id bigserial CONSTRAINT pk_container_protection_tag_rules PRIMARY KEY,
        project_id bigint NOT NULL CONSTRAINT fk_container_protection_tag_rules_project_id_projects REFERENCES projects (id) ON DELETE CASCADE,
        tag_name_pattern text NOT NULL CONSTRAINT ck_container_protection_tag_rules_pattern_length CHECK (char_length(tag_name_pattern) BETWEEN 1 AND 100),
        minimum_access_level_for_push smallint CONSTRAINT ck_container_protection_tag_rules_push CHECK (minimum_access_level_for_push IN (40, 50, 60)),
        minimum_access_level_for_delete smallint CONSTRAINT ck_container_protection_tag_rules_delete CHECK (minimum_access_level_for_delete IN (40, 50, 60)),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_container_protection_tag_rules_project_id_and_pattern UNIQUE (project_id, tag_name_pattern)
      )`);
    await db.query(`
      CREATE TABLE IF NOT EXISTS container_protection_repository_rules (
        id bigserial CONSTRAINT pk_container_protection_repository_rules PRIMARY KEY,
        project_id bigint NOT NULL CONSTRAINT fk_container_protection_repository_rules_project_id_projects REFERENCES projects (id) ON DELETE CASCADE,
        repository_path_pattern text NOT NULL CONSTRAINT ck_container_protection_repository_rules_pattern_length CHECK (char_length(repository_path_pattern) BETWEEN 1 AND 255),
        minimum_access_level_for_push smallint CONSTRAINT ck_container_protection_repository_rules_push CHECK (minimum_access_level_for_push IN (40, 50, 60)),
        minimum_access_level_for_delete smallint CONSTRAINT ck_container_protection_repository_rules_delete CHECK (minimum_access_level_for_delete IN (40, 50, 60)),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        -- GitLab: a repository rule protects something (an immutable repository is not a thing).
        CONSTRAINT ck_container_protection_repository_rules_some_level CHECK (minimum_access_level_for_push IS NOT NULL OR minimum_access_level_for_delete IS NOT NULL),
        CONSTRAINT uq_container_protection_repository_rules_project_id_and_pattern UNIQUE (project_id, repository_path_pattern)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS container_protection_repository_rules`);
    await db.query(`DROP TABLE IF EXISTS container_protection_tag_rules`);
  }
}
