import { queryOne } from '@cargohold/db';
import { CleanupPolicyService } from '@cargohold/registry';
import { checkKnownOptions, CliUsageError } from '../cli-args';
import { CliCommand } from '../cli-command';

/**
 * `cleanup:run <project-full-path>`: runs the cleanup policy in force for the project now, in this process (the
 * same code and idempotent batches as the worker), waits until the run is finished and prints it as JSON.
 */
export const cleanupRunCommand: CliCommand = {
  name: 'cleanup:run',
  usage: 'cleanup:run <project-full-path>',
  description: "run the project's cleanup policy now, wait for it to finish, print the run (JSON)",
  async run(args, ctx) {
    checkKnownOptions(args, []);
    const fullPath = args.positionals[0];
    if (!fullPath) throw new CliUsageError('cleanup:run needs a project full path, e.g. cleanup:run mygroup/myproject');
    const db = await ctx.database();
    const project = await queryOne<{ id: number }>(db, `SELECT id FROM projects WHERE full_path = $1`, [fullPath]);
    if (!project) throw new CliUsageError(`no project ${fullPath}`);
    // The tags it deletes are announced through the context, so the api replicas' manifest caches forget them.
    const run = await ctx.withRegistry(async (registry) => {
      const policies = new CleanupPolicyService(registry);
      const { runId } = await policies.requestRun(project.id);
      let current = await policies.execute(runId);
      while (current.status === 'unfinished') current = await policies.execute(runId);
      return current;
    });
    ctx.print(
      JSON.stringify({ run_id: run.id, project: fullPath, status: run.status, deleted_tags: run.deletedTags, repositories: run.repositoriesDone }),
    );
  },
};
