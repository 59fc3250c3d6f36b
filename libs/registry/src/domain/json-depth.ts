/**
 * Cheap guard against hostile JSON before it reaches JSON.parse and our own
 * recursive validation: deep nesting costs stack and time out of proportion to
 * its size, so it is measured in one linear pass over the raw bytes first.
 */
import { JSON_QUOTE, isJsonClosing, isJsonOpening, jsonStringEnd } from '@cargohold/common';

/**
 * Greatest nesting depth of arrays and objects, ignoring brackets inside
 * strings. Works on bytes (see json-bytes in @cargohold/common). Stops early
 * once `limit` is exceeded.
 */
export function jsonNestingDepth(bytes: Uint8Array, limit = Infinity): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === JSON_QUOTE) {
      i = jsonStringEnd(bytes, i);
    } else if (isJsonOpening(b)) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (isJsonClosing(b)) {
      depth--; // imbalance is left for JSON.parse to report
    }
  }
  return max;
}
