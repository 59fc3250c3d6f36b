/** The fields every pino line carries, shown in the line's head rather than as key=value pairs. */
const HEAD_FIELDS = new Set(['level', 'time', 'msg', 'component', 'pid', 'hostname']);

/**
 * Formats one pino JSON line for a person at a terminal (LOG_FORMAT=pretty):
 * `20:41:08.123 INFO  api: request method=GET path=/v2/ status=200 ms=3`. Redaction has already happened in
 * pino, so nothing secret reaches this point. A line that is not JSON is passed through as it is.
 */
export function formatPrettyLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 23) : '';
  const level = String(entry.level ?? '').toUpperCase().padEnd(5);
  const component = entry.component ? `${String(entry.component)}: ` : '';
  const pairs = Object.entries(entry)
    .filter(([key, value]) => !HEAD_FIELDS.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${formatValue(value)}`);
  return `${[time, level, `${component}${String(entry.msg ?? '')}`, ...pairs].filter(Boolean).join(' ')}\n`;
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) || value === '' ? JSON.stringify(value) : value;
  return JSON.stringify(value);
}

/** A pino destination that writes pretty lines to `out` (stdout by default). */
export function prettyDestination(out: { write(text: string): unknown } = process.stdout): { write(line: string): void } {
  return { write: (line: string) => void out.write(formatPrettyLine(line)) };
}
