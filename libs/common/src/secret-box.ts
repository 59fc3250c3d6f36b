import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/**
 * Secrets the platform must be able to read back (the `gitlab-deploy-token` secret for CI_DEPLOY_PASSWORD, upstream
 * registry passwords), sealed with AES-256-GCM. The key is a file in `<DATA_DIR>/keys`, created on first use and
 * shared by every replica like the registry signing keys, or given by configuration. The caller's associated data
 * (a token digest, an upstream id) binds a sealed secret to its row, so one copied onto another row does not open.
 * A database dump alone reveals nothing; the key and the database together do.
 */
export class SecretBox {
  private key: Buffer | undefined;

  private constructor(
    private readonly keyFile: string | null,
    key?: Buffer,
  ) {
    if (key && key.length !== KEY_BYTES) throw new Error(`a secret box key must be ${KEY_BYTES} bytes`);
    this.key = key;
  }

  /** The key in `<dataDir>/keys/<fileName>`, generated on first use. */
  static inDataDir(dataDir: string, fileName: string): SecretBox {
    return new SecretBox(path.join(dataDir, 'keys', fileName));
  }

  /** A key given by configuration (32 bytes). */
  static withKey(key: Buffer): SecretBox {
    return new SecretBox(null, key);
  }

  /** `version | iv | tag | ciphertext`. */
  seal(secret: string, associatedData: Buffer): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.loadKey(), iv);
    cipher.setAAD(associatedData);
    const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
  }

  /** The secret, or null when the box cannot open it (another key, another row, damaged). */
  open(sealed: Buffer, associatedData: Buffer): string | null {
    if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.loadKey(), sealed.subarray(1, 1 + IV_BYTES));
      decipher.setAAD(associatedData);
      decipher.setAuthTag(sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }

  /** Reads the key, creating it on first use; 'wx' makes replicas starting together agree on one file. */
  private loadKey(): Buffer {
    if (this.key) return this.key;
    if (!this.keyFile) throw new Error('a secret box without a key file has its key');
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
