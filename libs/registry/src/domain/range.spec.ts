import fc from 'fast-check';
import { RegistryError } from './errors';
import {
  RangeNotSatisfiableError,
  formatContentRange,
  formatUploadRange,
  parseContentRange,
  parseRangeHeader,
} from './range';
import { thrown } from './thrown.spec-helper';

describe('parseContentRange', () => {
  it.each([
    ['0-1023', 0, 1023],
    ['1024-2047', 1024, 2047],
    [' 5-5 ', 5, 5],
    ['bytes 0-99/100', 0, 99],
    ['bytes 100-199/*', 100, 199],
    ['BYTES 1-2/3', 1, 2],
    ['bytes=0-1023', 0, 1023],
    ['999999999999999-999999999999999', 999999999999999, 999999999999999],
  ])('parses %j', (header, start, end) => {
    expect(parseContentRange(header)).toEqual({ start, end });
  });

  it.each([
    ['empty', ''],
    ['reversed', '10-5'],
    ['open-ended', '0-'],
    ['suffix', '-100'],
    ['negative', '-1-5'],
    ['end beyond total', 'bytes 0-100/100'],
    ['garbage', 'abc'],
    ['several ranges', '0-1,2-3'],
    ['fractions', '0.5-1'],
    ['too many digits', '0-1234567890123456'],
    ['unknown unit', 'items 0-1/2'],
    ['bytes= with total', 'bytes=0-1/2'],
  ])('rejects %s as RANGE_INVALID', (_label, header) => {
    const e = thrown(() => parseContentRange(header));
    expect(e.code).toBe('RANGE_INVALID');
  });

  it('rejects a missing header', () => {
    expect(thrown(() => parseContentRange(undefined as unknown as string)).code).toBe('RANGE_INVALID');
  });

  it('round-trips every valid start-end pair', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), (a, b) => {
        const [start, end] = a <= b ? [a, b] : [b, a];
        expect(parseContentRange(`${start}-${end}`)).toEqual({ start, end });
        expect(parseContentRange(`bytes ${start}-${end}/*`)).toEqual({ start, end });
      }),
    );
  });

  it('throws only RegistryError(RANGE_INVALID) on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: fc.constantFrom(...'0123456789- =/*bytes') })), (s) => {
        try {
          const r = parseContentRange(s);
          expect(r.start).toBeLessThanOrEqual(r.end);
        } catch (e) {
          expect(e).toBeInstanceOf(RegistryError);
          expect((e as RegistryError).code).toBe('RANGE_INVALID');
        }
      }),
    );
  });
});

describe('parseRangeHeader', () => {
  it.each<[string | undefined, number, { start: number; end: number } | null]>([
    [undefined, 100, null],
    ['', 100, null],
    ['bytes=0-9', 100, { start: 0, end: 9 }],
    ['bytes=10-', 100, { start: 10, end: 99 }],
    ['bytes=-10', 100, { start: 90, end: 99 }],
    ['bytes=-1000', 100, { start: 0, end: 99 }],
    ['bytes=50-1000', 100, { start: 50, end: 99 }],
    ['bytes=99-99', 100, { start: 99, end: 99 }],
    ['Bytes=0-0', 1, { start: 0, end: 0 }],
    ['bytes=0-99999999999999999999', 100, { start: 0, end: 99 }],
    ['bytes=-99999999999999999999', 100, { start: 0, end: 99 }],
    // Ignored, so the whole blob is served:
    ['bytes=0-1,5-6', 100, null],
    ['items=0-1', 100, null],
    ['bytes=5-1', 100, null],
    ['bytes=-', 100, null],
    ['bytes=a-b', 100, null],
    ['0-9', 100, null],
  ])('%j of %i bytes -> %j', (header, size, expected) => {
    expect(parseRangeHeader(header, size)).toEqual(expected);
  });

  it.each<[string, number]>([
    ['bytes=100-', 100],
    ['bytes=100-200', 100],
    ['bytes=0-', 0],
    ['bytes=-0', 100],
    ['bytes=-5', 0],
    ['bytes=99999999999999999999-', 100],
  ])('%j of %i bytes is not satisfiable', (header, size) => {
    const e = thrown(() => parseRangeHeader(header, size));
    expect(e).toBeInstanceOf(RangeNotSatisfiableError);
    expect(e.code).toBe('RANGE_INVALID');
    expect((e as RangeNotSatisfiableError).size).toBe(size);
    // The api turns the detail's size into Content-Range.
    expect(e.detail).toMatchObject({ size });
  });

  it('refuses an invalid size as a programming error', () => {
    expect(() => parseRangeHeader('bytes=0-1', -1)).toThrow(RangeError);
    expect(() => parseRangeHeader('bytes=0-1', 1.5)).toThrow(RangeError);
  });

  it('always returns a range inside the blob, or throws RangeNotSatisfiableError', () => {
    const header = fc.oneof(
      fc.tuple(fc.option(fc.nat(300)), fc.option(fc.nat(300))).map(([a, b]) => `bytes=${a ?? ''}-${b ?? ''}`),
      fc.string(),
    );
    fc.assert(
      fc.property(header, fc.nat(200), (h, size) => {
        try {
          const r = parseRangeHeader(h, size);
          if (r) {
            expect(r.start).toBeGreaterThanOrEqual(0);
            expect(r.start).toBeLessThanOrEqual(r.end);
            expect(r.end).toBeLessThan(size);
          }
        } catch (e) {
          expect(e).toBeInstanceOf(RangeNotSatisfiableError);
        }
      }),
    );
  });
});

describe('formatters', () => {
  it('formats a 206 Content-Range', () => {
    expect(formatContentRange({ start: 0, end: 9 }, 100)).toBe('bytes 0-9/100');
  });

  it('formats an upload Range as Docker does', () => {
    expect(formatUploadRange(0)).toBe('0-0');
    expect(formatUploadRange(1)).toBe('0-0');
    expect(formatUploadRange(1024)).toBe('0-1023');
  });
});
