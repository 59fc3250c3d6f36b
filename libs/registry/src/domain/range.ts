/**
 * Byte ranges: `Content-Range` on chunked upload PATCHes, and `Range` on blob
 * GETs (RFC 9110 §14).
 */
import { RegistryError, truncateForMessage } from './errors';

/** Inclusive byte range. */
export interface ByteRange {
  start: number;
  end: number;
}

/** RANGE_INVALID with the representation size in its detail, so the response can say `Content-Range: bytes * /size`. */
export class RangeNotSatisfiableError extends RegistryError {
  constructor(
    readonly size: number,
    header: string,
  ) {
    super('RANGE_INVALID', `range not satisfiable for a blob of ${size} bytes`, { range: truncateForMessage(header), size });
    this.name = 'RangeNotSatisfiableError';
  }
}

// 15 digits stay below Number.MAX_SAFE_INTEGER, so parsing never loses precision.
const POS = '(\\d{1,15})';
const CONTENT_RANGE_FORMS = [
  new RegExp(`^${POS}-${POS}$`), // Docker's form: "0-1023"
  new RegExp(`^bytes ${POS}-${POS}/(?:${POS}|\\*)$`, 'i'), // RFC 9110's form
  new RegExp(`^bytes=${POS}-${POS}$`, 'i'), // what some clients send anyway
];

/** Parses an upload chunk's `Content-Range`; throws RANGE_INVALID on anything malformed. */
export function parseContentRange(header: string): ByteRange {
  const value = typeof header === 'string' ? header.trim() : '';
  for (const form of CONTENT_RANGE_FORMS) {
    const m = form.exec(value);
    if (!m) continue;
    const start = Number(m[1]);
    const end = Number(m[2]);
    const total = m[3] === undefined ? undefined : Number(m[3]);
    if (start > end || (total !== undefined && end >= total)) break;
    return { start, end };
  }
  const shown = truncateForMessage(String(header));
  throw new RegistryError('RANGE_INVALID', `invalid Content-Range "${shown}"`, { contentRange: shown });
}

const RANGE = /^bytes=(\d*)-(\d*)$/i;

// Positions longer than this are beyond any blob we store; treat them as
// infinite instead of trusting Number() with them.
function position(digits: string): number | undefined {
  if (digits === '') return undefined;
  return digits.length > 15 ? Infinity : Number(digits);
}

/**
 * Parses a GET `Range` for a blob of `size` bytes. Returns null when the whole
 * blob should be served: no header, another unit, several ranges (not
 * supported), or a malformed value, all of which RFC 9110 lets a server ignore.
 * Throws RangeNotSatisfiableError when the range lies beyond the blob.
 */
export function parseRangeHeader(header: string | undefined, size: number): ByteRange | null {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`invalid blob size ${size}`);
  if (typeof header !== 'string') return null;
  const m = RANGE.exec(header.trim());
  if (!m) return null;
  const first = position(m[1]);
  const last = position(m[2]);

  if (first === undefined) {
    if (last === undefined) return null; // "bytes=-" is not a range
    // Suffix range: the last `last` bytes.
    if (last === 0 || size === 0) throw new RangeNotSatisfiableError(size, header);
    return { start: Math.max(0, size - last), end: size - 1 };
  }
  if (last !== undefined && last < first) return null; // syntactically invalid: ignore
  if (first >= size) throw new RangeNotSatisfiableError(size, header);
  return { start: first, end: Math.min(last ?? Infinity, size - 1) };
}

/** `Content-Range` value for a 206 response. */
export function formatContentRange(range: ByteRange, size: number): string {
  return `bytes ${range.start}-${range.end}/${size}`;
}

/**
 * `Range` header of an upload status response. With nothing received yet
 * Docker's registry answers `0-0`, and clients expect that exact value.
 */
export function formatUploadRange(receivedBytes: number): string {
  return `0-${Math.max(0, receivedBytes - 1)}`;
}
