import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SigningKeyRing } from './signing-keys';

const MINUTE = 60_000;

/** A key file as an earlier rotation (or an operator with openssl) left it, created `ageMs` ago. */
function addKey(dir: string, ageMs: number): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const file = `registry-signing-${Date.now() - ageMs}.pem`;
  writeFileSync(path.join(dir, file), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return file;
}

describe('SigningKeyRing', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'cargohold-keys-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates one key on first start, private to its owner, and signs with the newest', () => {
    const ring = new SigningKeyRing(dir);
    ring.init();
    const [file] = readdirSync(dir);
    expect(file).toMatch(/^registry-signing-\d+\.pem$/);
    expect(statSync(path.join(dir, file)).mode & 0o777).toBe(0o600);

    const { current } = ring.rotate(5 * MINUTE);
    expect(readdirSync(dir)).toHaveLength(2);
    expect(ring.signingKey().kid).toBe(current.kid);
    expect(ring.list().map((key) => key.kid)).toContain(current.kid);
  });

  it('keeps a key that signed until the rotation, however old, and retires keys superseded long ago', () => {
    const ancient = addKey(dir, 400 * 24 * 60 * MINUTE); // superseded 300 days ago by `old`
    addKey(dir, 300 * 24 * 60 * MINUTE); // the key that signed until now: a year old, still verifying live tokens
    const ring = new SigningKeyRing(dir);
    ring.init();
    const before = ring.list();
    expect(before).toHaveLength(2);

    const { current, retired } = ring.rotate(5 * MINUTE);

    expect(retired).toEqual([before[0].kid]);
    expect(readdirSync(dir)).not.toContain(ancient);
    expect(ring.list().map((key) => key.kid)).toEqual([before[1].kid, current.kid]);
    expect(ring.verificationKey(before[1].kid)).toBeDefined();
    expect(ring.verificationKey(before[0].kid)).toBeUndefined();
  });

  it('with retireAfter 0 still keeps the key superseded within the re-read interval (other replicas may sign with it)', () => {
    addKey(dir, 10 * MINUTE);
    addKey(dir, 10_000); // superseded the first 10 s ago
    const ring = new SigningKeyRing(dir);
    ring.init();
    const { retired } = ring.rotate(0);
    // The first key was superseded 10 s ago: inside the 30 s every process takes to notice a new key.
    expect(retired).toEqual([]);
    expect(readdirSync(dir)).toHaveLength(3);
  });

  it('verifies a key another process added as soon as a token names it, without waiting for the periodic re-read', async () => {
    const api = new SigningKeyRing(dir);
    api.init();
    await new Promise((resolve) => setTimeout(resolve, 1100)); // past the once-a-second limit on such re-reads
    const { current } = new SigningKeyRing(dir).rotate(5 * MINUTE); // the CLI, or another replica

    expect(api.verificationKey(current.kid)?.kid).toBe(current.kid);
    expect(api.verificationKey('made-up-kid')).toBeUndefined();
  });
});
