import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readBuildInfo, REPOSITORY_ROOT, UNKNOWN_REVISION } from './build-info';

describe('readBuildInfo', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'build-info-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the version from package.json and answers Unknown outside a git checkout', () => {
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'x', version: '1.2.3' }));
    expect(readBuildInfo(dir)).toEqual({ version: '1.2.3', revision: UNKNOWN_REVISION });
  });

  it('prefers a REVISION file, as GitLab does for installs from an archive', () => {
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ version: '2.0.0' }));
    writeFileSync(path.join(dir, 'REVISION'), 'abc1234def0\n');
    expect(readBuildInfo(dir)).toEqual({ version: '2.0.0', revision: 'abc1234def0' });
  });

  it('never throws: no package.json reads as 0.0.0', () => {
    expect(readBuildInfo(dir).version).toBe('0.0.0');
  });

  it('finds the repository root from its own location', () => {
    expect(require(path.join(REPOSITORY_ROOT, 'package.json')).name).toBe('cargohold');
  });
});
