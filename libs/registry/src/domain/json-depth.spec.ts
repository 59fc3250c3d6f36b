import fc from 'fast-check';
import { jsonNestingDepth } from './json-depth';

const depth = (s: string, limit?: number) => jsonNestingDepth(Buffer.from(s), limit);

describe('jsonNestingDepth', () => {
  it.each([
    ['1', 0],
    ['{}', 1],
    ['[[]]', 2],
    ['{"a":[{"b":[]}],"c":{}}', 4],
    ['"[[[["', 0],
    ['{"a":"\\"[["}', 1],
    ['{"a":"\\\\","b":[]}', 2],
    ['{"ü":["ÿ"]}', 2],
  ])('%s has depth %i', (text, expected) => {
    expect(depth(text)).toBe(expected);
  });

  it('stops as soon as the limit is exceeded', () => {
    expect(depth('['.repeat(1000), 10)).toBe(11);
  });

  it('agrees with a recursive measure on generated JSON', () => {
    const measure = (v: unknown): number =>
      typeof v === 'object' && v !== null
        ? 1 + Math.max(0, ...Object.values(v as Record<string, unknown>).map(measure))
        : 0;
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        expect(depth(JSON.stringify(v))).toBe(measure(v));
      }),
    );
  });
});
