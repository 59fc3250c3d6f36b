/**
 * Cheap guard against hostile JSON before it reaches JSON.parse and our own
 * recursive validation: deep nesting costs stack and time out of proportion to
 * its size, so it is measured in one linear pass over the raw bytes first.
 */

const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \
const OPEN_BRACKET = 0x5b; // [
const CLOSE_BRACKET = 0x5d; // ]
const OPEN_BRACE = 0x7b; // {
const CLOSE_BRACE = 0x7d; // }

/**
 * Greatest nesting depth of arrays and objects, ignoring brackets inside
 * strings. Works on bytes because in UTF-8 these ASCII bytes never occur inside
 * a multi-byte character. Stops early once `limit` is exceeded.
 */
export function jsonNestingDepth(bytes: Uint8Array, limit = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === BACKSLASH) i++; // the escaped byte cannot end the string
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) {
      inString = true;
    } else if (b === OPEN_BRACKET || b === OPEN_BRACE) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (b === CLOSE_BRACKET || b === CLOSE_BRACE) {
      depth--; // imbalance is left for JSON.parse to report
    }
  }
  return max;
}
