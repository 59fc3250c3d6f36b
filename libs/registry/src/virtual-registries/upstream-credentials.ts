import { SecretBox } from '@cargohold/common';

/**
 * Upstream passwords at rest: sealed with the platform's upstream key (UPSTREAM_CREDENTIALS_KEY, or a key generated
 * once into DATA_DIR/keys), bound to the upstream's id so a sealed password copied onto another row does not open.
 */
export class UpstreamCredentials {
  constructor(private readonly box: SecretBox) {}

  seal(upstreamId: number, password: string): Buffer {
    return this.box.seal(password, associatedData(upstreamId));
  }

  /** The password, or null when it cannot be opened (another key: the upstream is then used anonymously). */
  open(upstreamId: number, sealed: Buffer): string | null {
    return this.box.open(sealed, associatedData(upstreamId));
  }
}

function associatedData(upstreamId: number): Buffer {
  return Buffer.from(`container_upstreams:${upstreamId}`);
}
