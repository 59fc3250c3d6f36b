import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cleanup policies (GitLab's container_expiration_policy) for a project, a group (the default for every project
 * below it without its own) or one repository (overrides its project's), and a record of every run.
 */
export class CreateCleanupPolicies1763800008000 implements MigrationInterface {
  name = 'CreateCleanupPolicies1763800008000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE cleanup_policies (
        id bigserial CONSTRAINT pk_cleanup_policies PRIMARY KEY,
        project_id bigint CONSTRAINT fk_cleanup_policies_project_id_projects REFERENCES projects (id) ON DELETE CASCADE,
        namespace_id bigint CONSTRAINT fk_cleanup_policies_namespace_id_namespaces REFERENCES namespaces (id) ON DELETE CASCADE,
        repository_id bigint CONSTRAINT fk_cleanup_policies_repository_id_repositories REFERENCES repositories (id) ON DELETE CASCADE,
        enabled boolean NOT NULL DEFAULT false,
        cadence text NOT NULL DEFAULT '1d' CONSTRAINT ck_cleanup_policies_cadence CHECK (cadence IN ('1d', '7d', '14d', '1month', '3month')),
        keep_n integer CONSTRAINT ck_cleanup_policies_keep_n CHECK (keep_n IN (1, 5, 10, 25, 50, 100)),
        older_than text CONSTRAINT ck_cleanup_policies_older_than CHECK (older_than IN ('7d', '14d', '30d', '90d')),
        name_regex text,
        name_regex_keep text,
        next_run_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_cleanup_policies_one_target CHECK (num_nonnulls(project_id, namespace_id, repository_id) = 1)
      )`);
    await db.query(`CREATE UNIQUE INDEX ix_cleanup_policies_on_project_id ON cleanup_policies (project_id)`);
    await db.query(`CREATE UNIQUE INDEX ix_cleanup_policies_on_namespace_id ON cleanup_policies (namespace_id)`);
    await db.query(`CREATE UNIQUE INDEX ix_cleanup_policies_on_repository_id ON cleanup_policies (repository_id)`);
    await db.query(`CREATE INDEX ix_cleanup_policies_on_next_run_at ON cleanup_policies (next_run_at) WHERE enabled`);

    await db.query(`
      CREATE TABLE cleanup_policy_runs (
        id bigserial CONSTRAINT pk_cleanup_policy_runs PRIMARY KEY,
        project_id bigint NOT NULL CONSTRAINT fk_cleanup_policy_runs_project_id_projects REFERENCES projects (id) ON DELETE CASCADE,
        policy_id bigint CONSTRAINT fk_cleanup_policy_runs_policy_id_cleanup_policies REFERENCES cleanup_policies (id) ON DELETE SET NULL,
        policy_source text NOT NULL CONSTRAINT ck_cleanup_policy_runs_policy_source CHECK (policy_source IN ('project', 'group', 'repository')),
        status text NOT NULL CONSTRAINT ck_cleanup_policy_runs_status CHECK (status IN ('scheduled', 'ongoing', 'unfinished', 'finished', 'failed')),
        trigger text NOT NULL DEFAULT 'schedule' CONSTRAINT ck_cleanup_policy_runs_trigger CHECK (trigger IN ('schedule', 'manual')),
        deleted_tags integer NOT NULL DEFAULT 0,
        repositories_done integer NOT NULL DEFAULT 0,
        error text,
        scheduled_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      )`);
    await db.query(`CREATE INDEX ix_cleanup_policy_runs_on_project_id_and_id ON cleanup_policy_runs (project_id, id DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS cleanup_policy_runs`);
    await db.query(`DROP TABLE IF EXISTS cleanup_policies`);
  }
}
