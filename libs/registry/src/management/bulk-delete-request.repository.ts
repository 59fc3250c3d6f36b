import { EntityManager } from 'typeorm';
import { execute, queryOne, typedQuery } from '@cargohold/db';
import type { BulkDeleteRules } from './bulk-delete-rules';

export interface BulkDeleteRequestRecord {
  id: number;
  repositoryId: number;
  params: BulkDeleteRules;
  requestedBy: number | null;
  /** The requester's protection level (40 Maintainer … 60 administrator); null for a request from before it was recorded. */
  requesterAccessLevel: number | null;
  /** Ages are judged at this time, however late the job runs. */
  requestedAt: Date;
}

const COLUMNS = `id, repository_id AS "repositoryId", params, requested_by AS "requestedBy", requester_access_level AS "requesterAccessLevel",
  requested_at AS "requestedAt"`;

/** The `bulk_tag_delete_requests` table: accepted bulk deletes until the worker has run them. */
export class BulkDeleteRequestRepository {
  async insert(db: EntityManager, repositoryId: number, params: BulkDeleteRules, requestedBy: number | null, requesterAccessLevel: number): Promise<BulkDeleteRequestRecord> {
    const [request] = await typedQuery<BulkDeleteRequestRecord>(
      db,
      `INSERT INTO bulk_tag_delete_requests (repository_id, params, requested_by, requester_access_level) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
      [repositoryId, JSON.stringify(params), requestedBy, requesterAccessLevel],
    );
    return request;
  }

  async find(db: EntityManager, id: number): Promise<BulkDeleteRequestRecord | null> {
    return queryOne<BulkDeleteRequestRecord>(db, `SELECT ${COLUMNS} FROM bulk_tag_delete_requests WHERE id = $1`, [id]);
  }

  async delete(db: EntityManager, id: number): Promise<void> {
    await execute(db, `DELETE FROM bulk_tag_delete_requests WHERE id = $1`, [id]);
  }

  /** Requests untouched for `olderThanSeconds`: their job was never queued, or Redis lost it. */
  async listStranded(db: EntityManager, olderThanSeconds: number, limit: number): Promise<BulkDeleteRequestRecord[]> {
    return typedQuery<BulkDeleteRequestRecord>(
      db,
      `SELECT ${COLUMNS} FROM bulk_tag_delete_requests WHERE updated_at < now() - make_interval(secs => $1) ORDER BY updated_at LIMIT $2`,
      [olderThanSeconds, limit],
    );
  }
}
