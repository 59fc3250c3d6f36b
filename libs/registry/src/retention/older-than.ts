/**
 * GitLab's `older_than` ages (`1h`, `7d`, `2 days`, `1month`, `1h30m`), as ChronicDuration reads them:
 * a bare number is seconds, `m` is minutes (months are `mo`/`month`), a month is 30 days and a year 365.
 */
const UNIT_SECONDS: Record<string, number> = {
  s: 1, sec: 1, secs: 1, second: 1, seconds: 1,
  m: 60, min: 60, mins: 60, minute: 60, minutes: 60,
  h: 3600, hr: 3600, hrs: 3600, hour: 3600, hours: 3600,
  d: 86_400, day: 86_400, days: 86_400,
  w: 604_800, wk: 604_800, wks: 604_800, week: 604_800, weeks: 604_800,
  mo: 2_592_000, mos: 2_592_000, month: 2_592_000, months: 2_592_000,
  y: 31_536_000, yr: 31_536_000, yrs: 31_536_000, year: 31_536_000, years: 31_536_000,
};

/** Short enough that the token loop below can never be asked to do real work on hostile input. */
const MAX_LENGTH = 64;

/** The age in seconds, or null when the text is not a duration (including zero and negative ones). */
export function parseOlderThan(text: string): number | null {
  const value = text.trim().toLowerCase();
  if (value === '' || value.length > MAX_LENGTH) return null;
  if (/^\d+$/.test(value)) return positive(Number(value));
  let total = 0;
  let rest = value;
  while (rest.length > 0) {
    const token = /^(\d+(?:\.\d+)?)\s*([a-z]+)[\s,]*(?:and\s+)?/.exec(rest);
    if (!token) return null;
    const unit = UNIT_SECONDS[token[2]];
    if (unit === undefined) return null;
    total += Number(token[1]) * unit;
    rest = rest.slice(token[0].length);
  }
  return positive(Math.round(total));
}

function positive(seconds: number): number | null {
  return Number.isSafeInteger(seconds) && seconds > 0 ? seconds : null;
}
