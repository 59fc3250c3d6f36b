import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DeployTokenSecretBox } from './deploy-token-secret-box';

describe('DeployTokenSecretBox', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'secret-box-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('opens what it sealed, also from another instance on the same DATA_DIR', () => {
    const digest = Buffer.from('digest-of-token');
    const sealed = DeployTokenSecretBox.inDataDir(dir).seal('gldt-secret', digest);
    expect(sealed.toString('utf8')).not.toContain('gldt-secret');
    expect(DeployTokenSecretBox.inDataDir(dir).open(sealed, digest)).toBe('gldt-secret');
  });

  it('refuses another row, another key and damaged bytes', () => {
    const box = DeployTokenSecretBox.inDataDir(dir);
    const sealed = box.seal('gldt-secret', Buffer.from('a'));
    expect(box.open(sealed, Buffer.from('b'))).toBeNull();
    const other = mkdtempSync(path.join(tmpdir(), 'secret-box-'));
    try {
      expect(DeployTokenSecretBox.inDataDir(other).open(sealed, Buffer.from('a'))).toBeNull();
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
    const damaged = Buffer.from(sealed);
    damaged[damaged.length - 1] ^= 1;
    expect(box.open(damaged, Buffer.from('a'))).toBeNull();
  });
});
