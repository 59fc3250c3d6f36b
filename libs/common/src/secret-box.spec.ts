import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'secret-box-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('opens what it sealed, also from another instance on the same DATA_DIR', () => {
    const digest = Buffer.from('digest-of-token');
    const sealed = SecretBox.inDataDir(dir, 'test.key').seal('gldt-secret', digest);
    expect(sealed.toString('utf8')).not.toContain('gldt-secret');
    expect(SecretBox.inDataDir(dir, 'test.key').open(sealed, digest)).toBe('gldt-secret');
  });

  it('refuses another row, another key and damaged bytes', () => {
    const box = SecretBox.inDataDir(dir, 'test.key');
    const sealed = box.seal('gldt-secret', Buffer.from('a'));
    expect(box.open(sealed, Buffer.from('b'))).toBeNull();
    const other = mkdtempSync(path.join(tmpdir(), 'secret-box-'));
    try {
      expect(SecretBox.inDataDir(other, 'test.key').open(sealed, Buffer.from('a'))).toBeNull();
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
    const damaged = Buffer.from(sealed);
    damaged[damaged.length - 1] ^= 1;
    expect(box.open(damaged, Buffer.from('a'))).toBeNull();
  });

  it('uses a configured key instead of a file', () => {
    const key = Buffer.alloc(32, 7);
    const sealed = SecretBox.withKey(key).seal('upstream-password', Buffer.from('upstream:1'));
    expect(SecretBox.withKey(Buffer.from(key)).open(sealed, Buffer.from('upstream:1'))).toBe('upstream-password');
    expect(SecretBox.withKey(Buffer.alloc(32, 8)).open(sealed, Buffer.from('upstream:1'))).toBeNull();
    expect(() => SecretBox.withKey(Buffer.alloc(16))).toThrow('32 bytes');
  });
});
