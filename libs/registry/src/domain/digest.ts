/**
 * Content digests (`algorithm:encoded`) per the OCI image-spec descriptor rules.
 */
import { createHash, type Hash } from 'node:crypto';
import { RegistryError, truncateForMessage } from './errors';

export type DigestAlgorithm = 'sha256' | 'sha512';

export interface ParsedDigest {
  algorithm: DigestAlgorithm;
  /** Lowercase hex of the hash. */
  hex: string;
  /** The canonical `algorithm:hex` string (equal to the input once valid). */
  value: string;
}

// The general grammar; we accept only the registered algorithms below but need
// the general form to tell "unsupported algorithm" from "garbage".
const DIGEST_GRAMMAR = /^([a-z0-9]+(?:[.+_-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/;

const HEX_LENGTH: Readonly<Record<DigestAlgorithm, number>> = { sha256: 64, sha512: 128 };
const LOWER_HEX = /^[a-f0-9]+$/;

// Longest valid digest is "sha512:" + 128 hex; anything far beyond is rejected
// before running a regex on it.
const MAX_DIGEST_LENGTH = 256;

function isSupportedAlgorithm(a: string): a is DigestAlgorithm {
  return a === 'sha256' || a === 'sha512';
}

export function parseDigest(s: string): ParsedDigest {
  if (typeof s !== 'string' || s.length === 0) {
    throw new RegistryError('DIGEST_INVALID', 'invalid digest: empty');
  }
  const shown = truncateForMessage(s);
  if (s.length > MAX_DIGEST_LENGTH) {
    throw new RegistryError('DIGEST_INVALID', 'invalid digest: too long', { digest: shown });
  }
  const m = DIGEST_GRAMMAR.exec(s);
  if (!m) {
    throw new RegistryError('DIGEST_INVALID', `invalid digest "${shown}"`, { digest: shown });
  }
  const [, algorithm, hex] = m;
  if (!isSupportedAlgorithm(algorithm)) {
    throw new RegistryError('DIGEST_INVALID', `unsupported digest algorithm "${algorithm}"`, {
      digest: shown,
    });
  }
  // Registered algorithms fix the encoding: lowercase hex of an exact length,
  // so two spellings of the same content can never be stored twice.
  if (hex.length !== HEX_LENGTH[algorithm] || !LOWER_HEX.test(hex)) {
    throw new RegistryError(
      'DIGEST_INVALID',
      `invalid ${algorithm} digest: expected ${HEX_LENGTH[algorithm]} lowercase hex characters`,
      { digest: shown },
    );
  }
  return { algorithm, hex, value: s };
}

export function isDigest(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  try {
    parseDigest(s);
    return true;
  } catch {
    return false;
  }
}

export interface Digester {
  readonly algorithm: DigestAlgorithm;
  update(data: Uint8Array | string): Digester;
  /** `algorithm:hex` of everything so far; does not end the digester. */
  digest(): string;
  /** An independent digester with the same state (for checkpointing chunked uploads). */
  copy(): Digester;
}

function wrapHash(algorithm: DigestAlgorithm, hash: Hash): Digester {
  const self: Digester = {
    algorithm,
    update(data) {
      hash.update(data);
      return self;
    },
    // Node's Hash can be finalised only once; digesting a copy lets callers
    // check the running digest mid-upload and keep feeding data afterwards.
    digest: () => `${algorithm}:${hash.copy().digest('hex')}`,
    copy: () => wrapHash(algorithm, hash.copy()),
  };
  return self;
}

export function createDigester(algorithm: DigestAlgorithm = 'sha256'): Digester {
  if (!isSupportedAlgorithm(algorithm)) {
    throw new RegistryError('DIGEST_INVALID', `unsupported digest algorithm "${String(algorithm)}"`);
  }
  return wrapHash(algorithm, createHash(algorithm));
}

/** One-shot digest of a complete buffer. */
export function computeDigest(data: Uint8Array | string, algorithm: DigestAlgorithm = 'sha256'): string {
  return createDigester(algorithm).update(data).digest();
}
