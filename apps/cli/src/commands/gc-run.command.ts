import { addGcResults, GarbageCollector } from '@cargohold/registry';
import { checkKnownOptions, flag } from '../cli-args';
import { CliCommand } from '../cli-command';

/**
 * `gc:run [--skip-orphans]`: runs the collector in this process (the same code, locks and rechecks as the
 * worker, so running it next to live workers is safe), then prints one JSON line of what was reclaimed.
 */
export const gcRunCommand: CliCommand = {
  name: 'gc:run',
  usage: 'gc:run [--skip-orphans]',
  description: 'process every due garbage collection review now, sweep orphaned files, print what was reclaimed (JSON)',
  async run(args, ctx) {
    checkKnownOptions(args, ['skip-orphans']);
    // Deleted manifests are announced through the context so the api replicas' manifest caches forget them.
    await ctx.withRegistry(async (registry) => {
      const collector = GarbageCollector.forContext(registry, { reviewDelaySeconds: ctx.config.gcReviewDelay, uploadPurgeAgeSeconds: ctx.config.uploadPurgeAge });
      const reviewed = await collector.review();
      const result = flag(args, 'skip-orphans') ? reviewed : addGcResults(reviewed, await collector.sweepOrphans());
      // What is still queued but not yet due waits for GC_REVIEW_DELAY; "skipped" items were held by a push.
      const queued = await collector.queueDepths();
      ctx.print(JSON.stringify({ ...result, queued: { manifests: queued.manifests, blobs: queued.blobs } }));
    });
  },
};
