import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/**
 * Keeps the secret of the deploy token named `gitlab-deploy-token` so CI jobs can be given CI_DEPLOY_PASSWORD
 * (the table otherwise holds only digests). AES-256-GCM with a key file in `<DATA_DIR>/keys`, shared by every
 * replica like the registry signing keys; the token's digest is the associated data, so a sealed secret copied
 * onto another row does not open. A database dump alone reveals nothing; DATA_DIR and the database together do,
 * as they do for the signing keys.
 */
export class DeployTokenSecretBox {
  private key: Buffer | undefined;

  constructor(private readonly keyFile: string) {}

  static inDataDir(dataDir: string): DeployTokenSecretBox {
    return new DeployTokenSecretBox(path.join(dataDir, 'keys', 'deploy-token-secrets.key'));
  }

  /** `version | iv | tag | ciphertext`. */
  seal(secret: string, digest: Buffer): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.loadKey(), iv);
    cipher.setAAD(digest);
    const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
  }

  /** The secret, or null when the box cannot open it (another key, another row, damaged). */
  open(sealed: Buffer, digest: Buffer): string | null {
    if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.loadKey(), sealed.subarray(1, 1 + IV_BYTES));
      decipher.setAAD(digest);
      decipher.setAuthTag(sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }

  /** Reads the key, creating it on first use; 'wx' makes replicas starting together agree on one file. */
  private loadKey(): Buffer {
    if (this.key) return this.key;
    mkdirSync(path.dirname(this.keyFile), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(this.keyFile, randomBytes(KEY_BYTES).toString('base64'), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const key = Buffer.from(readFileSync(this.keyFile, 'utf8').trim(), 'base64');
    if (key.length !== KEY_BYTES) throw new Error(`${this.keyFile} does not hold a ${KEY_BYTES}-byte key`);
    this.key = key;
    return key;
  }
}
