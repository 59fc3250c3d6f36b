import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The registry metadata: PostgreSQL is the truth of what exists; the blob store only holds bytes.
 * Manifests keep the exact payload bytes pushed, so their digest never changes.
 */
export class CreateRegistry1763800001000 implements MigrationInterface {
  name = 'CreateRegistry1763800001000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE repositories (
        id bigserial CONSTRAINT pk_repositories PRIMARY KEY,
        project_id bigint NOT NULL CONSTRAINT fk_repositories_project_id_projects REFERENCES projects (id) ON DELETE CASCADE,
        path text COLLATE "C" NOT NULL,
        name text NOT NULL,
        status text CONSTRAINT ck_repositories_status CHECK (status IN ('delete_scheduled', 'delete_ongoing', 'delete_failed')),
        cleanup_policy_started_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX ix_repositories_on_path ON repositories (path)`);
    await db.query(`CREATE INDEX ix_repositories_on_project_id ON repositories (project_id)`);

    await db.query(`
      CREATE TABLE blobs (
        digest text CONSTRAINT pk_blobs PRIMARY KEY,
        size bigint NOT NULL,
        media_type text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);

    // Which repository may serve which blob: a blob is never served through a repository that does not hold it.
    await db.query(`
      CREATE TABLE repository_blobs (
        repository_id bigint NOT NULL CONSTRAINT fk_repository_blobs_repository_id_repositories REFERENCES repositories (id) ON DELETE CASCADE,
        blob_digest text NOT NULL CONSTRAINT fk_repository_blobs_blob_digest_blobs REFERENCES blobs (digest),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_repository_blobs PRIMARY KEY (repository_id, blob_digest)
      )`);
    await db.query(`CREATE INDEX ix_repository_blobs_on_blob_digest ON repository_blobs (blob_digest)`);

    await db.query(`
      CREATE TABLE manifests (
        id bigserial CONSTRAINT pk_manifests PRIMARY KEY,
        repository_id bigint NOT NULL CONSTRAINT fk_manifests_repository_id_repositories REFERENCES repositories (id) ON DELETE CASCADE,
        digest text NOT NULL,
        media_type text NOT NULL,
        artifact_type text,
        subject_digest text,
        config_digest text,
        total_size bigint NOT NULL DEFAULT 0,
        payload bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX ix_manifests_on_repository_id_and_digest ON manifests (repository_id, digest)`);
    await db.query(`CREATE INDEX ix_manifests_on_repository_id_and_subject_digest ON manifests (repository_id, subject_digest) WHERE subject_digest IS NOT NULL`);

    await db.query(`
      CREATE TABLE manifest_blobs (
        manifest_id bigint NOT NULL CONSTRAINT fk_manifest_blobs_manifest_id_manifests REFERENCES manifests (id) ON DELETE CASCADE,
        blob_digest text NOT NULL CONSTRAINT fk_manifest_blobs_blob_digest_blobs REFERENCES blobs (digest),
        CONSTRAINT pk_manifest_blobs PRIMARY KEY (manifest_id, blob_digest)
      )`);
    await db.query(`CREATE INDEX ix_manifest_blobs_on_blob_digest ON manifest_blobs (blob_digest)`);

    await db.query(`
      CREATE TABLE manifest_references (
        parent_id bigint NOT NULL CONSTRAINT fk_manifest_references_parent_id_manifests REFERENCES manifests (id) ON DELETE CASCADE,
        child_id bigint NOT NULL CONSTRAINT fk_manifest_references_child_id_manifests REFERENCES manifests (id),
        CONSTRAINT pk_manifest_references PRIMARY KEY (parent_id, child_id)
      )`);
    await db.query(`CREATE INDEX ix_manifest_references_on_child_id ON manifest_references (child_id)`);

    await db.query(`
      CREATE TABLE tags (
        id bigserial CONSTRAINT pk_tags PRIMARY KEY,
        repository_id bigint NOT NULL CONSTRAINT fk_tags_repository_id_repositories REFERENCES repositories (id) ON DELETE CASCADE,
        name text COLLATE "C" NOT NULL,
        manifest_id bigint NOT NULL CONSTRAINT fk_tags_manifest_id_manifests REFERENCES manifests (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // name is COLLATE "C": tags/list sorts lexically by bytes, and the unique index serves both lookups and pages.
    await db.query(`CREATE UNIQUE INDEX ix_tags_on_repository_id_and_name ON tags (repository_id, name)`);
    await db.query(`CREATE INDEX ix_tags_on_manifest_id ON tags (manifest_id)`);

    // Upload sessions live here (not in a process), so a chunked upload can hop between api replicas and survive restarts.
    await db.query(`
      CREATE TABLE uploads (
        id uuid CONSTRAINT pk_uploads PRIMARY KEY,
        repository_path text NOT NULL,
        project_id bigint NOT NULL CONSTRAINT fk_uploads_project_id_projects REFERENCES projects (id) ON DELETE CASCADE,
        size bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX ix_uploads_on_updated_at ON uploads (updated_at)`);

    // Online GC review queues, consumed with FOR UPDATE SKIP LOCKED and rechecked before any delete.
    await db.query(`
      CREATE TABLE gc_blob_review_queue (
        blob_digest text CONSTRAINT pk_gc_blob_review_queue PRIMARY KEY,
        review_after timestamptz NOT NULL,
        reason text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX ix_gc_blob_review_queue_on_review_after ON gc_blob_review_queue (review_after)`);
    await db.query(`
      CREATE TABLE gc_manifest_review_queue (
        manifest_id bigint CONSTRAINT pk_gc_manifest_review_queue PRIMARY KEY
          CONSTRAINT fk_gc_manifest_review_queue_manifest_id_manifests REFERENCES manifests (id) ON DELETE CASCADE,
        review_after timestamptz NOT NULL,
        reason text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX ix_gc_manifest_review_queue_on_review_after ON gc_manifest_review_queue (review_after)`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of [
      'gc_manifest_review_queue', 'gc_blob_review_queue', 'uploads', 'tags', 'manifest_references',
      'manifest_blobs', 'manifests', 'repository_blobs', 'blobs', 'repositories',
    ]) {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
