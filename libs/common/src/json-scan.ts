/**
 * One linear pass over a raw JSON text, before JSON.parse and before any recursive validation sees it:
 * nesting deeper than a limit costs stack and CPU out of proportion to its size, and a NUL character
 * (`\u0000` in a string) is refused by PostgreSQL's text types, so neither may get further.
 * Works on bytes (json-bytes.ts).
 */
import { JSON_BACKSLASH, JSON_QUOTE, isJsonClosing, isJsonOpening, jsonStringEnd } from './json-bytes';

export type JsonTextProblem = { kind: 'too-deep'; limit: number } | { kind: 'nul' };

const LETTER_U = 0x75;
const DIGIT_ZERO = 0x30;

/** The first problem found in `bytes`, or undefined; malformed JSON is left for JSON.parse to report. */
export function findJsonTextProblem(bytes: Uint8Array, maxDepth: number): JsonTextProblem | undefined {
  let depth = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0) return { kind: 'nul' };
    if (b === JSON_QUOTE) {
      let nul = false;
      i = jsonStringEnd(bytes, i, (at) => {
        if (isNulAt(bytes, at)) nul = true;
      });
      if (nul) return { kind: 'nul' };
    } else if (isJsonOpening(b)) {
      if (++depth > maxDepth) return { kind: 'too-deep', limit: maxDepth };
    } else if (isJsonClosing(b)) {
      depth--;
    }
  }
  return undefined;
}

/** A raw NUL byte, or the escape `\u0000`, starting at `at` inside a string. */
function isNulAt(bytes: Uint8Array, at: number): boolean {
  if (bytes[at] === 0) return true;
  return bytes[at] === JSON_BACKSLASH && bytes[at + 1] === LETTER_U && isZeroEscape(bytes, at + 2);
}

/** `0000` at `at`: the four hex digits of the escape `\u0000`. */
function isZeroEscape(bytes: Uint8Array, at: number): boolean {
  return bytes[at] === DIGIT_ZERO && bytes[at + 1] === DIGIT_ZERO && bytes[at + 2] === DIGIT_ZERO && bytes[at + 3] === DIGIT_ZERO;
}
