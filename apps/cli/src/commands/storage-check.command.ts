import { hasProblems, StorageChecker } from '@cargohold/registry';
import { createBlobStore } from '@cargohold/storage';
import { checkKnownOptions } from '../cli-args';
import { CliCommand } from '../cli-command';

export class StorageCheckFailed extends Error {}

/**
 * `storage:check`: compares the `blobs` table with the blob store. Prints one line per problem, then a
 * JSON summary; exits 1 when they disagree (bytes missing or of the wrong size, or orphan files).
 */
export const storageCheckCommand: CliCommand = {
  name: 'storage:check',
  usage: 'storage:check',
  description: 'compare the database with the blob store; exit 1 when they disagree',
  async run(args, ctx) {
    checkKnownOptions(args, []);
    const checker = new StorageChecker(await ctx.database(), createBlobStore(ctx.config.storage), {
      reviewDelaySeconds: ctx.config.gcReviewDelay,
    });
    const report = await checker.check();
    for (const digest of report.missing) ctx.print(`missing   ${digest}  (in the database, absent from the store)`);
    for (const bad of report.sizeMismatches) ctx.print(`size      ${bad.digest}  (database ${bad.expected} bytes, store ${bad.actual})`);
    for (const file of report.orphans) ctx.print(`orphan    ${file.digest}  (${file.size} bytes in the store, unknown to the database)`);
    for (const file of report.pending) ctx.print(`pending   ${file.digest}  (${file.size} bytes, younger than GC_REVIEW_DELAY: probably an upload committing)`);
    const summary = {
      ok: !hasProblems(report),
      blobsInDatabase: report.blobsInDatabase,
      filesInStore: report.filesInStore,
      missing: report.missing.length,
      sizeMismatches: report.sizeMismatches.length,
      orphans: report.orphans.length,
      pending: report.pending.length,
    };
    ctx.print(JSON.stringify(summary));
    if (!summary.ok) {
      throw new StorageCheckFailed(
        `the database and the blob store disagree: ${summary.missing} missing, ${summary.sizeMismatches} of the wrong size, ${summary.orphans} orphaned`,
      );
    }
  },
};
