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

  /** The key with this id, reloading once in case another process rotated. */
  verificationKey(kid: string): SigningKey | undefined {
    this.reloadIfStale();
    return this.keys.get(kid);
  }

  /** Adds a new signing key and removes keys older than `retireAfterMs` (beyond the newest two). */
  rotate(retireAfterMs: number): SigningKey {
    const now = Date.now();
    this.generate(now);
    for (const file of this.files()) {
      const created = Number(file.match(KEY_FILE)![1]);
      if (created < now && now - created > retireAfterMs && created !== this.current?.createdAt) unlinkSync(path.join(this.dir, file));
    }
    this.reload();
    return this.current!;
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
      const createdAt = Number(file.match(KEY_FILE)![1]);
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

/** A stable key id derived from the public key, so every replica names the same key the same way. */
export function keyId(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64url').slice(0, 32);
}
