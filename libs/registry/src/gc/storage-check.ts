import { DataSource } from 'typeorm';
import { queryOne, typedQuery } from '@cargohold/db';
import { BlobStore } from '@cargohold/storage';
import { isOlderThan } from './gc-result';

export interface StoreFile {
  digest: string;
  size: number;
  modifiedAt: Date;
}

export interface StorageCheckReport {
  blobsInDatabase: number;
  filesInStore: number;
  /** `blobs` rows whose bytes are absent from the store: pulls of these fail. */
  missing: string[];
  /** `blobs` rows whose stored file has another size: truncated or foreign bytes. */
  sizeMismatches: Array<{ digest: string; expected: number; actual: number }>;
  /** Files no `blobs` row knows, older than the review delay: garbage the orphan sweep removes. */
  orphans: StoreFile[];
  /** Files no row knows yet, younger than the review delay: most likely uploads committing right now. */
  pending: StoreFile[];
}

/** True when the database and the store disagree (pending files are not a disagreement yet). */
export function hasProblems(report: StorageCheckReport): boolean {
  return report.missing.length > 0 || report.sizeMismatches.length > 0 || report.orphans.length > 0;
}

/** The comparison itself, free of I/O: database rows (digest → size) against the files in the store. */
export function compareInventories(rows: Map<string, number>, files: StoreFile[], reviewDelaySeconds: number, now: Date): StorageCheckReport {
  const stored = new Map(files.map((file) => [file.digest, file]));
  const report: StorageCheckReport = { blobsInDatabase: rows.size, filesInStore: files.length, missing: [], sizeMismatches: [], orphans: [], pending: [] };
  for (const [digest, size] of rows) {
    const file = stored.get(digest);
    if (!file) report.missing.push(digest);
    else if (file.size !== size) report.sizeMismatches.push({ digest, expected: size, actual: file.size });
  }
  for (const file of files) {
    if (rows.has(file.digest)) continue;
    (isOlderThan(file.modifiedAt, reviewDelaySeconds, now) ? report.orphans : report.pending).push(file);
  }
  for (const list of [report.missing, report.orphans, report.pending, report.sizeMismatches] as Array<Array<string | { digest: string }>>) {
    list.sort((a, b) => key(a).localeCompare(key(b)));
  }
  return report;
}

function key(item: string | { digest: string }): string {
  return typeof item === 'string' ? item : item.digest;
}

const PAGE = 10_000;

/**
 * Compares the `blobs` table with the blob store. Both sides change while the check runs (pushes, GC), so
 * every disagreement found is looked at again before it is reported.
 */
export class StorageChecker {
  constructor(
    private readonly db: DataSource,
    private readonly store: BlobStore,
    private readonly options: { reviewDelaySeconds: number },
  ) {}

  async check(now = new Date()): Promise<StorageCheckReport> {
    const files: StoreFile[] = [];
    for await (const info of this.store.list()) files.push(info);
    const rows = await this.blobRows();
    const report = compareInventories(rows, files, this.options.reviewDelaySeconds, now);
    return this.confirm(report);
  }

  private async blobRows(): Promise<Map<string, number>> {
    const rows = new Map<string, number>();
    let after = '';
    for (;;) {
      const page = await typedQuery<{ digest: string; size: number }>(
        this.db,
        `SELECT digest, size FROM blobs WHERE digest > $1 ORDER BY digest LIMIT $2`,
        [after, PAGE],
      );
      for (const row of page) rows.set(row.digest, row.size);
      if (page.length < PAGE) return rows;
      after = page[page.length - 1].digest;
    }
  }

  /** Drops findings that a concurrent push or GC explains (row and file appeared or vanished together). */
  private async confirm(report: StorageCheckReport): Promise<StorageCheckReport> {
    const stillRow = async (digest: string) => (await queryOne(this.db, `SELECT 1 FROM blobs WHERE digest = $1`, [digest])) !== null;
    const missing: string[] = [];
    for (const digest of report.missing) {
      if ((await stillRow(digest)) && !(await this.store.stat(digest))) missing.push(digest);
    }
    const orphans: StoreFile[] = [];
    for (const file of report.orphans) {
      if (!(await stillRow(file.digest)) && (await this.store.stat(file.digest))) orphans.push(file);
    }
    return { ...report, missing, orphans };
  }
}
