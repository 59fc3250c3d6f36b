/**
 * GitLab's (Grape's) parameter semantics, free of HTTP: how the query string and the body become one set of
 * parameters, and how text from a query string or a form becomes a boolean, an integer or an array.
 *
 * A value that cannot be coerced is returned unchanged, so the DTO's validator (IsBoolean, IsInt, ...) refuses
 * it with GitLab's "<param> is invalid". An empty string becomes null for non-string types, as Grape treats it
 * (nil: the parameter counts as not given).
 */

/** Grape's Boolean coercion (dry-types Params::Bool): these spellings and no others. */
const TRUE_TEXT = new Set(['1', 'on', 'On', 'ON', 't', 'true', 'True', 'TRUE', 'T', 'y', 'yes', 'Yes', 'YES', 'Y']);
const FALSE_TEXT = new Set(['0', 'off', 'Off', 'OFF', 'f', 'false', 'False', 'FALSE', 'F', 'n', 'no', 'No', 'NO', 'N']);

/** Decimal digits only (Ruby's `Integer(text, 10)`): `0x28`, `1e1`, `1.0` and `10abc` are not integers. */
const DECIMAL_INTEGER = /^[+-]?\d+$/;

export function coerceGitlabBoolean(value: unknown): unknown {
  if (typeof value === 'boolean' || value === undefined || value === null) return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value !== 'string') return value;
  if (value === '') return null;
  if (TRUE_TEXT.has(value)) return true;
  if (FALSE_TEXT.has(value)) return false;
  return value;
}

export function coerceGitlabInteger(value: unknown): unknown {
  // A JSON number is already typed: fractions are left for IsInt to refuse, integers past 2^53 (which JSON.parse
  // has already rounded) become NaN so they are refused too.
  if (typeof value === 'number') return Number.isInteger(value) && !Number.isSafeInteger(value) ? Number.NaN : value;
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (text === '') return null;
  if (!DECIMAL_INTEGER.test(text)) return value;
  const parsed = Number(text);
  // Beyond 2^53 the number would silently change; leave the text for the validator to refuse.
  return Number.isSafeInteger(parsed) ? parsed : value;
}

/**
 * Arrays arrive as JSON arrays, as repeated form or query fields (`a[]=x&a[]=y`, or `a=x&a=y`), or as one
 * comma-separated string (GitLab's CommaSeparatedToArray, used for `scopes`). Each item is trimmed.
 */
export function coerceGitlabStringArray(value: unknown): unknown {
  if (typeof value === 'string') return value.split(',').map((item) => item.trim()).filter((item) => item !== '');
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'string' ? item.trim() : item));
  return value;
}

/** A plain object (what qs and JSON.parse produce for `{}` / `a[b]=c`), not an array or a class instance. */
export function isPlainParams(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * One parameter object from the query string and the body, as Rack and Grape build `params`: the body's fields
 * win over the query's of the same name (a shallow merge). A body that is not an object (a JSON array or
 * scalar) adds nothing. The result is a fresh plain object; `__proto__` keys are dropped, never assigned.
 */
export function mergeGitlabParams(query: unknown, body: unknown): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const source of [query, body]) {
    if (!isPlainParams(source)) continue;
    for (const key of Object.keys(source)) {
      if (key === '__proto__') continue;
      merged[key] = source[key];
    }
  }
  return merged;
}
