import { MigrationInterface, QueryRunner } from 'typeorm';

/** Users, namespaces (users' and groups', nested), projects, members and personal access tokens. */
export class CreateIdentity1763800000000 implements MigrationInterface {
  name = 'CreateIdentity1763800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE users (
        id bigserial CONSTRAINT pk_users PRIMARY KEY,
        username text NOT NULL,
        email text,
        name text NOT NULL,
        password_hash text,
        is_admin boolean NOT NULL DEFAULT false,
        state text NOT NULL DEFAULT 'active' CONSTRAINT ck_users_state CHECK (state IN ('active', 'blocked')),
        bot boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX ix_users_on_lower_username ON users (lower(username))`);

    await db.query(`
      CREATE TABLE namespaces (
        id bigserial CONSTRAINT pk_namespaces PRIMARY KEY,
        kind text NOT NULL CONSTRAINT ck_namespaces_kind CHECK (kind IN ('user', 'group')),
        name text NOT NULL,
        path text NOT NULL,
        full_path text NOT NULL,
        parent_id bigint CONSTRAINT fk_namespaces_parent_id_namespaces REFERENCES namespaces (id) ON DELETE CASCADE,
        owner_id bigint CONSTRAINT fk_namespaces_owner_id_users REFERENCES users (id) ON DELETE CASCADE,
        visibility text NOT NULL DEFAULT 'private' CONSTRAINT ck_namespaces_visibility CHECK (visibility IN ('private', 'internal', 'public')),
        description text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX ix_namespaces_on_full_path ON namespaces (full_path)`);
    await db.query(`CREATE INDEX ix_namespaces_on_parent_id ON namespaces (parent_id)`);

    await db.query(`
      CREATE TABLE projects (
        id bigserial CONSTRAINT pk_projects PRIMARY KEY,
        namespace_id bigint NOT NULL CONSTRAINT fk_projects_namespace_id_namespaces REFERENCES namespaces (id) ON DELETE CASCADE,
        name text NOT NULL,
        path text NOT NULL,
        full_path text NOT NULL,
        description text NOT NULL DEFAULT '',
        visibility text NOT NULL DEFAULT 'private' CONSTRAINT ck_projects_visibility CHECK (visibility IN ('private', 'internal', 'public')),
        creator_id bigint CONSTRAINT fk_projects_creator_id_users REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Projects and groups share one path space, as in GitLab: a/b cannot be both.
    await db.query(`CREATE UNIQUE INDEX ix_projects_on_full_path ON projects (full_path)`);
    await db.query(`CREATE INDEX ix_projects_on_namespace_id ON projects (namespace_id)`);

    await db.query(`
      CREATE TABLE members (
        id bigserial CONSTRAINT pk_members PRIMARY KEY,
        source_type text NOT NULL CONSTRAINT ck_members_source_type CHECK (source_type IN ('namespace', 'project')),
        source_id bigint NOT NULL,
        user_id bigint NOT NULL CONSTRAINT fk_members_user_id_users REFERENCES users (id) ON DELETE CASCADE,
        access_level integer NOT NULL CONSTRAINT ck_members_access_level CHECK (access_level IN (10, 20, 30, 40, 50)),
        expires_at date,
        created_by_id bigint,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX ix_members_on_source_and_user ON members (source_type, source_id, user_id)`);
    await db.query(`CREATE INDEX ix_members_on_user_id ON members (user_id)`);

    await db.query(`
      CREATE TABLE personal_access_tokens (
        id bigserial CONSTRAINT pk_personal_access_tokens PRIMARY KEY,
        user_id bigint NOT NULL CONSTRAINT fk_personal_access_tokens_user_id_users REFERENCES users (id) ON DELETE CASCADE,
        name text NOT NULL,
        token_digest bytea NOT NULL,
        scopes text[] NOT NULL,
        expires_at date,
        revoked boolean NOT NULL DEFAULT false,
        last_used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX ix_personal_access_tokens_on_token_digest ON personal_access_tokens (token_digest)`);
    await db.query(`CREATE INDEX ix_personal_access_tokens_on_user_id ON personal_access_tokens (user_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['personal_access_tokens', 'members', 'projects', 'namespaces', 'users']) {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
