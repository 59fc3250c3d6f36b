import { EntityManager } from 'typeorm';
import { queryOne, typedQuery } from '@cargohold/db';

export interface CiJobRecord {
  id: number;
  projectId: number;
  userId: number;
  name: string;
  status: 'running' | 'finished';
  expiresAt: Date;
  finishedAt: Date | null;
  createdAt: Date;
  /** Running and not timed out: only then does its token work. */
  active: boolean;
  user: { id: number; username: string; name: string; state: 'active' | 'blocked' };
}

const COLUMNS = `j.id, j.project_id AS "projectId", j.user_id AS "userId", j.name, j.status, j.expires_at AS "expiresAt",
  j.finished_at AS "finishedAt", j.created_at AS "createdAt", (j.status = 'running' AND j.expires_at > now()) AS active,
  json_build_object('id', u.id, 'username', u.username, 'name', u.name, 'state', u.state) AS "user"`;
const FROM = `ci_jobs j JOIN users u ON u.id = j.user_id`;

/** The `ci_jobs` table: jobs started through the API, each with its job token's digest. */
export class CiJobRepository {
  async insert(db: EntityManager, job: { projectId: number; userId: number; name: string; digest: Buffer; timeoutSeconds: number }): Promise<CiJobRecord> {
    const [inserted] = await typedQuery<{ id: number }>(
      db,
      `INSERT INTO ci_jobs AS j (project_id, user_id, name, token_digest, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5)) RETURNING j.id`,
      [job.projectId, job.userId, job.name, job.digest, job.timeoutSeconds],
    );
    return (await this.findById(db, inserted.id))!;
  }

  async findById(db: EntityManager, id: number): Promise<CiJobRecord | null> {
    return queryOne<CiJobRecord>(db, `SELECT ${COLUMNS} FROM ${FROM} WHERE j.id = $1`, [id]);
  }

  async findByDigest(db: EntityManager, digest: Buffer): Promise<(CiJobRecord & { tokenDigest: Buffer }) | null> {
    return queryOne<CiJobRecord & { tokenDigest: Buffer }>(db, `SELECT ${COLUMNS}, j.token_digest AS "tokenDigest" FROM ${FROM} WHERE j.token_digest = $1`, [digest]);
  }

  async isActive(db: EntityManager, id: number): Promise<boolean> {
    return (await queryOne(db, `SELECT 1 FROM ci_jobs WHERE id = $1 AND status = 'running' AND expires_at > now()`, [id])) !== null;
  }

  async finish(db: EntityManager, id: number): Promise<CiJobRecord | null> {
    const changed = await queryOne<{ id: number }>(
      db,
      `WITH changed AS (UPDATE ci_jobs j SET status = 'finished', finished_at = COALESCE(j.finished_at, now()) WHERE j.id = $1 RETURNING j.id)
       SELECT id FROM changed`,
      [id],
    );
    return changed ? this.findById(db, id) : null;
  }
}
