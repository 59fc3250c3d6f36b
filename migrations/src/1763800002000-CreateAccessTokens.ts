import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Machine credentials beyond personal access tokens: deploy tokens (project or group), CI jobs with their
 * job tokens, and the job token inbound allowlist. Secrets are stored only as SHA-256 digests.
 */
export class CreateAccessTokens1763800002000 implements MigrationInterface {
  name = 'CreateAccessTokens1763800002000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE personal_access_tokens ADD COLUMN IF NOT EXISTS description text`);
    await db.query(`CREATE INDEX IF NOT EXISTS ix_namespaces_on_owner_id ON namespaces (owner_id)`);
    await db.query(`CREATE INDEX IF NOT EXISTS ix_members_on_source_id ON members (source_id)`);

    await db.query(`
      CREATE TABLE IF NOT EXISTS deploy_tokens (
        id bigserial CONSTRAINT pk_deploy_tokens PRIMARY KEY,
        project_id bigint CONSTRAINT fk_deploy_tokens_project_id_projects REFERENCES projects (id) ON DELETE CASCADE,
        group_id bigint CONSTRAINT fk_deploy_tokens_group_id_namespaces REFERENCES namespaces (id) ON DELETE CASCADE,
        name text NOT NULL,
        username text NOT NULL,
        token_digest bytea NOT NULL,
        scopes text[] NOT NULL,
        expires_at timestamptz,
        revoked boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        -- A deploy token belongs to exactly one project or one group.
        CONSTRAINT ck_deploy_tokens_owner CHECK (num_nonnulls(project_id, group_id) = 1)
      )`);
    await db.query(`CREATE UNIQUE INDEX IF NOT EXISTS ix_deploy_tokens_on_token_digest ON deploy_tokens (token_digest)`);
    await db.query(`CREATE INDEX IF NOT EXISTS ix_deploy_tokens_on_project_id ON deploy_tokens (project_id) WHERE project_id IS NOT NULL`);
    await db.query(`CREATE INDEX IF NOT EXISTS ix_deploy_tokens_on_group_id ON deploy_tokens (group_id) WHERE group_id IS NOT NULL`);

    await db.query(`
      CREATE TABLE IF NOT EXISTS ci_jobs (
        id bigserial CONSTRAINT pk_ci_jobs PRIMARY KEY,
        project_id bigint NOT NULL CONSTRAINT fk_ci_jobs_project_id_projects REFERENCES projects (id) ON DELETE CASCADE,
        user_id bigint NOT NULL CONSTRAINT fk_ci_jobs_user_id_users REFERENCES users (id) ON DELETE CASCADE,
        name text NOT NULL,
        token_digest bytea NOT NULL,
        status text NOT NULL DEFAULT 'running' CONSTRAINT ck_ci_jobs_status CHECK (status IN ('running', 'finished')),
        expires_at timestamptz NOT NULL,
        finished_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX IF NOT EXISTS ix_ci_jobs_on_token_digest ON ci_jobs (token_digest)`);
    await db.query(`CREATE INDEX IF NOT EXISTS ix_ci_jobs_on_project_id ON ci_jobs (project_id)`);
    await db.query(`CREATE INDEX IF NOT EXISTS ix_ci_jobs_on_user_id ON ci_jobs (user_id)`);

    // GitLab's inbound allowlist: jobs of target_project_id may use their token on source_project_id.
    await db.query(`
      CREATE TABLE IF NOT EXISTS job_token_allowlist (
        source_project_id bigint NOT NULL CONSTRAINT fk_job_token_allowlist_source_project_id_projects REFERENCES projects (id) ON DELETE CASCADE,
        target_project_id bigint NOT NULL CONSTRAINT fk_job_token_allowlist_target_project_id_projects REFERENCES projects (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_job_token_allowlist PRIMARY KEY (source_project_id, target_project_id)
      )`);
    await db.query(`CREATE INDEX IF NOT EXISTS ix_job_token_allowlist_on_target_project_id ON job_token_allowlist (target_project_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['job_token_allowlist', 'ci_jobs', 'deploy_tokens']) {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    }
    await db.query(`DROP INDEX IF EXISTS ix_members_on_source_id`);
    await db.query(`DROP INDEX IF EXISTS ix_namespaces_on_owner_id`);
    await db.query(`ALTER TABLE personal_access_tokens DROP COLUMN IF EXISTS description`);
  }
}
