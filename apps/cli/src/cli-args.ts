/** Parsed command line: positionals and `--name value` / `--name=value` / bare `--flag` options. */
export interface CliArgs {
  positionals: string[];
  options: Map<string, string | true>;
}

export class CliUsageError extends Error {}

export function parseArgs(argv: string[]): CliArgs {
  const positionals: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    if (eq !== -1) {
      options.set(arg.slice(2, eq), arg.slice(eq + 1));
    } else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) {
      options.set(arg.slice(2), argv[++i]);
    } else {
      options.set(arg.slice(2), true);
    }
  }
  return { positionals, options };
}

/** A required `--name value`. */
export function requireOption(args: CliArgs, name: string): string {
  const value = args.options.get(name);
  if (typeof value !== 'string' || value.length === 0) throw new CliUsageError(`--${name} is required`);
  return value;
}

export function optionalOption(args: CliArgs, name: string): string | undefined {
  const value = args.options.get(name);
  if (value === true) throw new CliUsageError(`--${name} needs a value`);
  return value;
}

export function flag(args: CliArgs, name: string): boolean {
  const value = args.options.get(name);
  if (value === undefined) return false;
  if (value === true || value === 'true') return true;
  if (value === 'false') return false;
  throw new CliUsageError(`--${name} takes no value`);
}

/** Refuses options the command does not know, so typos do not pass silently. */
export function checkKnownOptions(args: CliArgs, known: string[]): void {
  for (const name of args.options.keys()) {
    if (!known.includes(name)) throw new CliUsageError(`unknown option --${name}`);
  }
}
