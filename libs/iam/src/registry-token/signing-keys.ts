import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  createdAt: number;
}

const KEY_FILE = /^registry-signing-(\d+)\.pem$/;
/** How often a process looks for keys added by a rotation in another process. */
const RELOAD_INTERVAL_MS = 30_000;
/** The soonest an unknown key id makes a process look for new keys again. */
const UNKNOWN_KID_RELOAD_MS = 1_000;

/**
 * The ES256 keys that sign registry JWTs, kept as PEM files in `<DATA_DIR>/keys`. The newest key signs;
 * every key present still verifies, so a rotation (a new file) never breaks tokens already handed out,
 * and an old file is removed only once no token it signed can still be alive.
 */
export class SigningKeyRing {
  private keys = new Map<string, SigningKey>();
  private current: SigningKey | undefined;
  private loadedAt = 0;

  constructor(private readonly dir: string) {}

  /** The ring every api replica and the CLI share: `<DATA_DIR>/keys`. */
  static inDataDir(dataDir: string): SigningKeyRing {
    return new SigningKeyRing(path.join(dataDir, 'keys'));
  }

  /** Loads the keys, generating the first one when the folder has none. Safe when replicas start together. */
  init(): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.reload();
    if (!this.current) {
      this.generate(Date.now());
      this.reload();
    }
  }

  signingKey(): SigningKey {
    this.reloadIfStale();
    if (!this.current) throw new Error('no registry signing key loaded');
    return this.current;
  }

  /**
   * The key with this id. An unknown id re-reads the folder first (at most once a second, so tokens with made-up
   * ids cannot turn into a stream of directory reads): after a rotation, a replica that already signs with the
   * new key must not see its tokens refused by one that has not re-read yet.
   */
  verificationKey(kid: string): SigningKey | undefined {
    this.reloadIfStale();
    if (!this.keys.has(kid) && Date.now() - this.loadedAt > UNKNOWN_KID_RELOAD_MS) this.reload();
    return this.keys.get(kid);
  }

  /**
   * Adds a new signing key, then removes the keys that stopped signing more than `retireAfterMs` ago. A key
   * stops signing when the next newer key is created (plus each process's re-read delay), so that, not its own
   * age, is what decides: a year-old key that signed until a minute ago still verifies live tokens.
   */
  rotate(retireAfterMs: number): { current: SigningKey; retired: string[] } {
    this.generate(Date.now());
    const retired = this.retire(retireAfterMs);
    this.reload();
    return { current: this.current!, retired };
  }

  /** Every key file, oldest first, with when it was superseded by the next one (undefined for the newest). */
  list(): Array<{ kid: string; createdAt: number; supersededAt?: number }> {
    this.reload();
    const keys = [...this.keys.values()].sort((a, b) => a.createdAt - b.createdAt);
    return keys.map((key, i) => ({ kid: key.kid, createdAt: key.createdAt, supersededAt: keys[i + 1]?.createdAt }));
  }

  private retire(retireAfterMs: number): string[] {
    const now = Date.now();
    const retired: string[] = [];
    const files = this.files().sort((a, b) => createdAtOf(a) - createdAtOf(b));
    for (let i = 0; i < files.length - 1; i++) {
      if (now - createdAtOf(files[i + 1]) <= retireAfterMs + RELOAD_INTERVAL_MS) continue;
      const file = path.join(this.dir, files[i]);
      retired.push(keyId(createPublicKey(createPrivateKey(readFileSync(file)))));
      unlinkSync(file);
    }
    return retired;
  }

  private generate(createdAt: number): void {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    try {
      // 'wx': two replicas starting at once cannot overwrite each other's key.
      writeFileSync(path.join(this.dir, `registry-signing-${createdAt}.pem`), pem, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }

  private reloadIfStale(): void {
    if (Date.now() - this.loadedAt > RELOAD_INTERVAL_MS) this.reload();
  }

  private reload(): void {
    const keys = new Map<string, SigningKey>();
    let newest: SigningKey | undefined;
    for (const file of this.files()) {
      const createdAt = createdAtOf(file);
      const privateKey = createPrivateKey(readFileSync(path.join(this.dir, file)));
      const publicKey = createPublicKey(privateKey);
      const key: SigningKey = { kid: keyId(publicKey), privateKey, publicKey, createdAt };
      keys.set(key.kid, key);
      if (!newest || createdAt > newest.createdAt) newest = key;
    }
    this.keys = keys;
    this.current = newest;
    this.loadedAt = Date.now();
  }

  private files(): string[] {
    return readdirSync(this.dir).filter((file) => KEY_FILE.test(file) && statSync(path.join(this.dir, file)).isFile());
  }
}

function createdAtOf(file: string): number {
  return Number(file.match(KEY_FILE)![1]);
}

/** A stable key id derived from the public key, so every replica names the same key the same way. */
export function keyId(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64url').slice(0, 32);
}
