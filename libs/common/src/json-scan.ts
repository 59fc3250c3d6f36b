/**
 * One linear pass over a raw JSON text, before JSON.parse and before any recursive validation sees it:
 * nesting deeper than a limit costs stack and CPU out of proportion to its size, and a NUL character
 * (`\u0000` in a string) is refused by PostgreSQL's text types, so neither may get further.
 * Works on bytes: in UTF-8 the ASCII bytes looked at here never occur inside a multi-byte character.
 */
export type JsonTextProblem = { kind: 'too-deep'; limit: number } | { kind: 'nul' };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const LETTER_U = 0x75;
const DIGIT_ZERO = 0x30;

/** The first problem found in `bytes`, or undefined; malformed JSON is left for JSON.parse to report. */
export function findJsonTextProblem(bytes: Uint8Array, maxDepth: number): JsonTextProblem | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0) return { kind: 'nul' };
    if (inString) {
      if (b === BACKSLASH) {
        if (bytes[i + 1] === LETTER_U && isZeroEscape(bytes, i + 2)) return { kind: 'nul' };
        i++; // the escaped byte cannot end the string
      } else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) {
      inString = true;
    } else if (b === OPEN_BRACKET || b === OPEN_BRACE) {
      if (++depth > maxDepth) return { kind: 'too-deep', limit: maxDepth };
    } else if (b === CLOSE_BRACKET || b === CLOSE_BRACE) {
      depth--;
    }
  }
  return undefined;
}

/** `0000` at `at`: the four hex digits of the escape `\u0000`. */
function isZeroEscape(bytes: Uint8Array, at: number): boolean {
  return bytes[at] === DIGIT_ZERO && bytes[at + 1] === DIGIT_ZERO && bytes[at + 2] === DIGIT_ZERO && bytes[at + 3] === DIGIT_ZERO;
}
