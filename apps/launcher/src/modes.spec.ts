import * as path from 'node:path';
import { parseMode, servicesFor } from './modes';

describe('launcher modes', () => {
  it('defaults to all and rejects unknown modes', () => {
    expect(parseMode(undefined)).toBe('all');
    expect(parseMode('worker')).toBe('worker');
    expect(parseMode('serve')).toBeUndefined();
  });

  it('resolves the service entry points next to the launcher build, whatever the working directory', () => {
    const launcherDist = path.join('/repo', 'apps', 'launcher', 'dist');
    expect(servicesFor('all', launcherDist)).toEqual([
      { name: 'api', script: path.join('/repo', 'apps', 'api', 'dist', 'main.js') },
      { name: 'worker', script: path.join('/repo', 'apps', 'worker', 'dist', 'main.js') },
    ]);
    expect(servicesFor('api', launcherDist).map((s) => s.name)).toEqual(['api']);
    expect(servicesFor('worker', launcherDist).map((s) => s.name)).toEqual(['worker']);
    expect(servicesFor('migrate', launcherDist)).toEqual([]);
  });
});
