/**
 * The byte-level pieces shared by the linear JSON scanners that run on raw bodies before (or beside) JSON.parse:
 * the structural bytes and how to step over a string. Working on bytes is sound because in UTF-8 these ASCII
 * bytes never occur inside a multi-byte character.
 */

export const JSON_QUOTE = 0x22; // "
export const JSON_BACKSLASH = 0x5c; // \
export const JSON_OPEN_BRACKET = 0x5b; // [
export const JSON_CLOSE_BRACKET = 0x5d; // ]
export const JSON_OPEN_BRACE = 0x7b; // {
export const JSON_CLOSE_BRACE = 0x7d; // }
export const JSON_COMMA = 0x2c; // ,
export const JSON_COLON = 0x3a; // :

/** `[` or `{`. */
export function isJsonOpening(b: number): boolean {
  return b === JSON_OPEN_BRACKET || b === JSON_OPEN_BRACE;
}

/** `]` or `}`. */
export function isJsonClosing(b: number): boolean {
  return b === JSON_CLOSE_BRACKET || b === JSON_CLOSE_BRACE;
}

/**
 * Index of the quote closing the string whose opening quote is at `openQuote`, or `bytes.length` when the string
 * is unterminated (malformed JSON is left for JSON.parse to report). The byte after a backslash is stepped over:
 * it cannot end the string. `visit`, when given, sees the index of every content byte stepped on (ordinary bytes
 * and backslashes, not the escaped byte after a backslash), for scanners that check string contents.
 */
export function jsonStringEnd(bytes: Uint8Array, openQuote: number, visit?: (at: number) => void): number {
  let i = openQuote + 1;
  while (i < bytes.length && bytes[i] !== JSON_QUOTE) {
    visit?.(i);
    i += bytes[i] === JSON_BACKSLASH ? 2 : 1;
  }
  return Math.min(i, bytes.length);
}
