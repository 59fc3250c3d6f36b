import { typedQuery } from '@cargohold/db';
import { DataSource, EntityManager } from 'typeorm';
import { PullBatchWriter } from './pull-statistics';
import { PullBatch, PullBatchSkipped } from './pull-tally';

type Row = { id: number; n: number; at: Date };

/**
 * Commits the statement without waiting for the WAL flush (for that one implicit transaction): a statistics
 * write lost to a database crash costs a few seconds of counts, and the write never queues behind pushes' fsyncs.
 */
const NO_FLUSH_WAIT = `no_flush_wait AS (SELECT set_config('synchronous_commit', 'off', true))`;

/**
 * Adds the counts to the rows they name (`wanted`: row id, count, time), skipping rows another transaction holds
 * (`FOR NO KEY UPDATE SKIP LOCKED`: the lock the UPDATE takes, which leaves foreign key checks alone) so a
 * statistics write never waits on a push or a delete, nor deadlocks with one. Answers the skipped rows.
 */
function addCounts(table: 'tags' | 'manifests', wanted: string): string {
  return `WITH ${NO_FLUSH_WAIT},
     wanted AS (${wanted}),
     summed AS (SELECT id, sum(n)::bigint AS n, max(at) AS at FROM wanted GROUP BY id),
     locked AS MATERIALIZED (SELECT x.id FROM ${table} x JOIN summed s ON s.id = x.id ORDER BY x.id FOR NO KEY UPDATE OF x SKIP LOCKED),
     updated AS (
       UPDATE ${table} x SET pull_count = x.pull_count + s.n, last_pulled_at = GREATEST(x.last_pulled_at, s.at)
         FROM summed s JOIN locked l ON l.id = s.id WHERE x.id = s.id
       RETURNING x.id)
   SELECT s.id, s.n::int AS n, s.at FROM summed s, no_flush_wait WHERE NOT EXISTS (SELECT 1 FROM updated u WHERE u.id = s.id)`;
}

/** Rows retried by id, as long as they still exist (a deleted tag's counts go with it). */
const retried = (table: string, from: number) =>
  `SELECT r.id, r.n, r.at FROM unnest($${from}::bigint[], $${from + 1}::int[], $${from + 2}::timestamptz[]) AS r(id, n, at) JOIN ${table} x ON x.id = r.id`;

const MANIFESTS = addCounts(
  'manifests',
  `SELECT v.id, v.n, v.at FROM unnest($1::bigint[], $2::int[], $3::timestamptz[]) AS v(id, n, at)
   UNION ALL ${retried('manifests', 4)}`,
);

/** A GET by name credits that tag if it still names the manifest served; a GET by digest every tag naming it. */
const TAGS = addCounts(
  'tags',
  `SELECT t.id, v.n, v.at FROM unnest($1::bigint[], $2::text[], $3::int[], $4::timestamptz[]) AS v(manifest_id, name, n, at)
     JOIN tags t ON t.manifest_id = v.manifest_id AND t.name = v.name
   UNION ALL
   SELECT t.id, v.n, v.at FROM unnest($5::bigint[], $6::int[], $7::timestamptz[]) AS v(manifest_id, n, at)
     JOIN tags t ON t.manifest_id = v.manifest_id
   UNION ALL ${retried('tags', 8)}`,
);

/** Writes pull statistics batches to `tags` and `manifests` (pull_count, last_pulled_at). */
export class PullStatisticsRepository implements PullBatchWriter {
  constructor(private readonly db: DataSource) {}

  async write(batch: PullBatch): Promise<PullBatchSkipped> {
    const db = this.db.manager;
    const manifests = await this.addToManifests(db, batch);
    const tags = await this.addToTags(db, batch);
    return { manifests, tags };
  }

  private async addToManifests(db: EntityManager, batch: PullBatch): Promise<Row[]> {
    if (batch.manifests.length === 0 && batch.retriedManifests.length === 0) return [];
    return typedQuery<Row>(db, MANIFESTS, [
      ...columns(batch.manifests, 3, (row) => [row.manifestId, row.n, row.at]),
      ...columns(batch.retriedManifests, 3, (row) => [row.id, row.n, row.at]),
    ]);
  }

  private async addToTags(db: EntityManager, batch: PullBatch): Promise<Row[]> {
    if (batch.tagsByName.length + batch.tagsByDigest.length + batch.retriedTags.length === 0) return [];
    return typedQuery<Row>(db, TAGS, [
      ...columns(batch.tagsByName, 4, (row) => [row.manifestId, row.name, row.n, row.at]),
      ...columns(batch.tagsByDigest, 3, (row) => [row.manifestId, row.n, row.at]),
      ...columns(batch.retriedTags, 3, (row) => [row.id, row.n, row.at]),
    ]);
  }
}

/** Rows to `width` parallel arrays, for unnest() (empty arrays for no rows: the statement still takes them). */
function columns<T>(rows: T[], width: number, pick: (row: T) => unknown[]): unknown[][] {
  const out: unknown[][] = Array.from({ length: width }, () => []);
  for (const row of rows) pick(row).forEach((value, i) => out[i].push(value));
  return out;
}
