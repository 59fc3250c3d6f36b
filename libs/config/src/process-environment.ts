/**
 * The environment as spawning code needs it. Only libs/config reads process.env (`pnpm lint` enforces it):
 * configuration goes through loadConfig; code that starts child processes hands them this process's environment
 * through these two, without reading settings from it.
 */

/** This process's environment with `overrides` on top: what a child process started by us inherits. */
export function childProcessEnv(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...overrides };
}

/** The directories a command name is looked up in (PATH), as a spawned child would search them. */
export function executableSearchPath(): string {
  return process.env.PATH ?? '';
}
