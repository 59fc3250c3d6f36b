import { CliArgs } from './cli-args';
import { CliContext } from './cli-context';

/** One `pnpm cli <name>` command. Each lives in its own file under commands/ and is listed in commands.ts. */
export interface CliCommand {
  name: string;
  /** One line: arguments and options. */
  usage: string;
  description: string;
  run(args: CliArgs, ctx: CliContext): Promise<void>;
}
