/**
 * Duplicate object keys in JSON. JSON.parse keeps the last of two equal keys silently, and other parsers keep the
 * first, so a manifest with duplicates can mean one thing to us and another to a client or a scanner (the same
 * confusion CVE-2021-41190 closed for manifest kinds). JSON.parse cannot report them, so this is one more linear
 * pass over the raw bytes: an explicit stack (no recursion), one Set of keys per open object, and a key decoded
 * only when it is compared. Run it on bytes JSON.parse has accepted and whose depth is already bounded
 * (json-depth.ts): it relies on well-formed input and does not re-validate the syntax.
 */
import {
  JSON_BACKSLASH,
  JSON_COLON,
  JSON_COMMA,
  JSON_OPEN_BRACE,
  JSON_QUOTE,
  isJsonClosing,
  isJsonOpening,
  jsonStringEnd,
} from '@cargohold/common';

export interface DuplicateKey {
  /** The repeated key, as JSON.parse would name it (escapes decoded). */
  key: string;
  /** Where the object holding it sits, in the manifest's field notation (`layers[2].annotations`); `` for the root. */
  path: string;
}

/** One open array or object on the scanner's stack. */
interface Container {
  /** Keys seen so far; null for an array. */
  keys: Set<string> | null;
  /** The key whose value is being read (objects) or the element index (arrays), to name nested containers. */
  lastKey: string;
  index: number;
}

const utf8 = new TextDecoder('utf-8');

/** The first key that appears twice in one object, or null. `bytes` must be valid JSON. */
export function findDuplicateKey(bytes: Uint8Array): DuplicateKey | null {
  const stack: Container[] = [];
  let expectKey = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === JSON_QUOTE) {
      const start = i;
      i = jsonStringEnd(bytes, start);
      const top = stack[stack.length - 1];
      if (expectKey && top?.keys) {
        const key = decodeKey(bytes, start, i);
        if (top.keys.has(key)) return { key, path: pathOf(stack) };
        top.keys.add(key);
        top.lastKey = key;
        expectKey = false;
      }
    } else if (isJsonOpening(b)) {
      stack.push({ keys: b === JSON_OPEN_BRACE ? new Set() : null, lastKey: '', index: 0 });
      expectKey = b === JSON_OPEN_BRACE;
    } else if (isJsonClosing(b)) {
      stack.pop();
      expectKey = false;
    } else if (b === JSON_COMMA) {
      const top = stack[stack.length - 1];
      if (top?.keys) expectKey = true;
      else if (top) top.index++;
    } else if (b === JSON_COLON) {
      expectKey = false;
    }
  }
  return null;
}

/** The string between the quotes at `start` and `end`, decoded as JSON.parse would (escapes only when present). */
function decodeKey(bytes: Uint8Array, start: number, end: number): string {
  const content = bytes.subarray(start + 1, end);
  return content.includes(JSON_BACKSLASH) ? (JSON.parse(utf8.decode(bytes.subarray(start, end + 1))) as string) : utf8.decode(content);
}

/** The innermost container's location, built only when reporting (building it per container would be quadratic). */
function pathOf(stack: Container[]): string {
  let path = '';
  for (let j = 0; j < stack.length - 1; j++) {
    const container = stack[j];
    if (container.keys) path = path === '' ? container.lastKey : `${path}.${container.lastKey}`;
    else path = `${path}[${container.index}]`;
  }
  return path;
}
