import { EntityManager } from 'typeorm';
import { execute, queryOne, typedQuery } from '@cargohold/db';
import { ancestorsCte, PageRequest, Paged, pagedQuery } from './paging';

export interface DeployTokenRecord {
  id: number;
  projectId: number | null;
  groupId: number | null;
  name: string;
  username: string;
  scopes: string[];
  expiresAt: Date | null;
  revoked: boolean;
  expired: boolean;
  createdAt: Date;
}

export interface NewDeployToken {
  projectId: number | null;
  groupId: number | null;
  name: string;
  /** null: GitLab's default `gitlab+deploy-token-<id>`. */
  username: string | null;
  digest: Buffer;
  scopes: string[];
  expiresAt: Date | null;
  /** The secret encrypted for CI jobs (SecretBox); only for `gitlab-deploy-token`, null otherwise. */
  sealedSecret?: Buffer | null;
}

export interface DeployTokenFilter {
  projectId?: number;
  groupId?: number;
  active?: boolean;
}

const COLUMNS = `d.id, d.project_id AS "projectId", d.group_id AS "groupId", d.name, d.username, d.scopes, d.expires_at AS "expiresAt",
  d.revoked, (d.expires_at IS NOT NULL AND d.expires_at <= now()) AS expired, d.created_at AS "createdAt"`;

/** The `deploy_tokens` table. */
export class DeployTokenRepository {
  async insert(db: EntityManager, token: NewDeployToken): Promise<DeployTokenRecord> {
    // The default username contains the id, so the id is drawn first and used in the same INSERT.
    const [created] = await typedQuery<DeployTokenRecord>(
      db,
      `WITH next AS (SELECT nextval(pg_get_serial_sequence('deploy_tokens', 'id')) AS id)
       INSERT INTO deploy_tokens AS d (id, project_id, group_id, name, username, token_digest, scopes, expires_at, token_sealed)
       SELECT next.id, $1, $2, $3, COALESCE($4, 'gitlab+deploy-token-' || next.id), $5, $6, $7, $8 FROM next
       RETURNING ${COLUMNS}`,
      [token.projectId, token.groupId, token.name, token.username, token.digest, token.scopes, token.expiresAt, token.sealedSecret ?? null],
    );
    return created;
  }

  async findById(db: EntityManager, id: number): Promise<DeployTokenRecord | null> {
    return queryOne<DeployTokenRecord>(db, `SELECT ${COLUMNS} FROM deploy_tokens d WHERE d.id = $1`, [id]);
  }

  async findByDigest(db: EntityManager, digest: Buffer): Promise<(DeployTokenRecord & { tokenDigest: Buffer }) | null> {
    return queryOne<DeployTokenRecord & { tokenDigest: Buffer }>(db, `SELECT ${COLUMNS}, d.token_digest AS "tokenDigest" FROM deploy_tokens d WHERE d.token_digest = $1`, [digest]);
  }

  async list(db: EntityManager, filter: DeployTokenFilter, page: PageRequest): Promise<Paged<DeployTokenRecord>> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.projectId !== undefined) {
      params.push(filter.projectId);
      where.push(`d.project_id = $${params.length}`);
    }
    if (filter.groupId !== undefined) {
      params.push(filter.groupId);
      where.push(`d.group_id = $${params.length}`);
    }
    if (filter.active === true) where.push(`NOT d.revoked AND (d.expires_at IS NULL OR d.expires_at > now())`);
    if (filter.active === false) where.push(`(d.revoked OR d.expires_at <= now())`);
    const sql = `SELECT ${COLUMNS} FROM deploy_tokens d${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;
    return pagedQuery(db, sql, params, '"id" ASC', page, (row: DeployTokenRecord) => row);
  }

  async revoke(db: EntityManager, id: number): Promise<void> {
    await execute(db, `UPDATE deploy_tokens SET revoked = true WHERE id = $1`, [id]);
  }

  /** Removes the token (GitLab's DELETE); returns what was removed, or null when it was already gone. */
  async delete(db: EntityManager, id: number): Promise<DeployTokenRecord | null> {
    return queryOne<DeployTokenRecord>(db, `WITH gone AS (DELETE FROM deploy_tokens d WHERE d.id = $1 RETURNING ${COLUMNS}) SELECT * FROM gone`, [id]);
  }

  /**
   * The active deploy token with this name that CI jobs of the project get (GitLab's `gitlab-deploy-token`): the
   * project's own, else the nearest group's among the project's ancestors; with its sealed secret and digest.
   */
  async findActiveForProjectByName(
    db: EntityManager,
    project: { id: number; namespaceId: number },
    name: string,
  ): Promise<(DeployTokenRecord & { sealedSecret: Buffer | null; tokenDigest: Buffer }) | null> {
    return queryOne<DeployTokenRecord & { sealedSecret: Buffer | null; tokenDigest: Buffer }>(
      db,
      `WITH RECURSIVE ${ancestorsCte('$2')}
       SELECT ${COLUMNS}, d.token_sealed AS "sealedSecret", d.token_digest AS "tokenDigest" FROM deploy_tokens d
         LEFT JOIN ancestors a ON a.id = d.group_id
        WHERE d.name = $3 AND NOT d.revoked AND (d.expires_at IS NULL OR d.expires_at > now())
          AND (d.project_id = $1 OR a.id IS NOT NULL)
        ORDER BY (d.project_id IS NULL), a.depth NULLS FIRST, d.id DESC LIMIT 1`,
      [project.id, project.namespaceId, name],
    );
  }
}
