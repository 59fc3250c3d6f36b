import { ConfigError, loadConfig } from '@cargohold/config';
import { IamError } from '@cargohold/iam';
import { CliUsageError, parseArgs } from './cli-args';
import { CliContext } from './cli-context';
import { COMMANDS } from './commands';
import { DatabaseUnavailableError } from './database-url';

function usage(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return [
    'usage: pnpm cli <command> [options]',
    '',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.description}\n  ${' '.repeat(width)}  ${command.usage}`),
  ].join('\n');
}

/** One line per failure, as scripts expect: what went wrong and, where possible, what to do. */
function describe(error: unknown): string {
  if (error instanceof IamError) return error.field ? `${error.field} ${error.message}` : error.message;
  if (error instanceof CliUsageError || error instanceof ConfigError || error instanceof DatabaseUnavailableError) return error.message;
  return (error as Error)?.message ?? String(error);
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const name = args.positionals.shift();
  if (!name || name === 'help' || args.options.has('help')) {
    process.stdout.write(`${usage()}\n`);
    return name ? 0 : 1;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    process.stderr.write(`error: unknown command "${name}" (try: ${COMMANDS.map((c) => c.name).join(', ')})\n`);
    return 1;
  }
  let ctx: CliContext | undefined;
  try {
    ctx = new CliContext(loadConfig(), (line) => process.stdout.write(`${line}\n`));
    await command.run(args, ctx);
    return 0;
  } catch (error) {
    process.stderr.write(`error: ${describe(error).split('\n')[0]}\n`);
    return 1;
  } finally {
    await ctx?.close().catch(() => undefined);
  }
}

void main(process.argv.slice(2)).then((code) => process.exit(code));
