import * as path from 'node:path';

export type Mode = 'all' | 'api' | 'worker' | 'migrate';
export const MODES: readonly Mode[] = ['all', 'api', 'worker', 'migrate'];

export function parseMode(arg: string | undefined): Mode | undefined {
  const mode = arg ?? 'all';
  return (MODES as readonly string[]).includes(mode) ? (mode as Mode) : undefined;
}

export interface ServiceEntry {
  name: 'api' | 'worker';
  /** Absolute path of the built entry point. */
  script: string;
}

/**
 * The processes a mode runs. Paths are relative to this file's build location
 * (apps/launcher/dist), so the launcher works from any working directory.
 */
export function servicesFor(mode: Mode, launcherDir: string = __dirname): ServiceEntry[] {
  const entry = (name: ServiceEntry['name']): ServiceEntry => ({
    name,
    script: path.resolve(launcherDir, '..', '..', name, 'dist', 'main.js'),
  });
  switch (mode) {
    case 'all':
      return [entry('api'), entry('worker')];
    case 'api':
      return [entry('api')];
    case 'worker':
      return [entry('worker')];
    case 'migrate':
      return [];
  }
}
