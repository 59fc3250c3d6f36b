import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * GitLab's CI/CD job token scope settings and groups allowlist, and the sealed secret of `gitlab-deploy-token`.
 *
 * - `projects.ci_inbound_job_token_scope_enabled` ("Limit access to this project"): true keeps today's rule (only the
 *   project itself and its allowlists); false lets jobs of every project in, still bounded by the job user's role.
 * - `job_token_group_allowlist`: a row (source, group) lets jobs of projects in the group or its subgroups use their
 *   job token on the source project.
 * - `deploy_tokens.token_sealed`: for the deploy token named `gitlab-deploy-token` only, its secret encrypted with a
 *   key kept in DATA_DIR, so CI jobs can be handed CI_DEPLOY_PASSWORD (the digest alone cannot give it back).
 */
export class AddJobTokenScopeAndDeploySecrets1763800023000 implements MigrationInterface {
  name = 'AddJobTokenScopeAndDeploySecrets1763800023000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE projects ADD COLUMN IF NOT EXISTS ci_inbound_job_token_scope_enabled boolean NOT NULL DEFAULT true`);
    await db.query(`
      CREATE TABLE IF NOT EXISTS job_token_group_allowlist (
        source_project_id bigint NOT NULL CONSTRAINT fk_job_token_group_allowlist_source_project_id_projects REFERENCES projects (id) ON DELETE CASCADE,
        target_group_id bigint NOT NULL CONSTRAINT fk_job_token_group_allowlist_target_group_id_namespaces REFERENCES namespaces (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_job_token_group_allowlist PRIMARY KEY (source_project_id, target_group_id)
      )`);
    await db.query(`CREATE INDEX IF NOT EXISTS ix_job_token_group_allowlist_on_target_group_id ON job_token_group_allowlist (target_group_id)`);
    await db.query(`ALTER TABLE deploy_tokens ADD COLUMN IF NOT EXISTS token_sealed bytea`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE deploy_tokens DROP COLUMN IF EXISTS token_sealed`);
    await db.query(`DROP TABLE IF EXISTS job_token_group_allowlist`);
    await db.query(`ALTER TABLE projects DROP COLUMN IF EXISTS ci_inbound_job_token_scope_enabled`);
  }
}
