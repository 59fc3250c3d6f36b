import fc from 'fast-check';
import { RegistryError } from './errors';
import { parseManifest } from './manifest';
import { parseContentRange, parseRangeHeader } from './range';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

/** Runs `fn`; anything thrown must be a RegistryError (the HTTP layer renders only those as 4xx). */
function onlyRegistryErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof RegistryError)) throw new Error(`threw ${String(error)} instead of a RegistryError`);
  }
}

/**
 * Hostile-input properties the other domain specs leave out: the header parsers behind uploads and blob GETs,
 * and manifests built to hurt (deep nesting, prototype keys, huge numbers) rather than random bytes.
 */
describe('parsers under hostile input', () => {
  const rangeLike = fc.oneof(
    fc.string(),
    fc.string({ unit: fc.constantFrom(...'0123456789-=, bytes*/'), maxLength: 40 }),
    fc.tuple(fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n })).map(([a, b]) => `${a}-${b}`),
  );

  it('parseContentRange throws only RegistryError, and what it accepts is a sane range', () => {
    fc.assert(
      fc.property(rangeLike, (header) => {
        onlyRegistryErrors(() => {
          const range = parseContentRange(header);
          expect(Number.isSafeInteger(range.start) && Number.isSafeInteger(range.end)).toBe(true);
          expect(range.start).toBeGreaterThanOrEqual(0);
          expect(range.end).toBeGreaterThanOrEqual(range.start);
        });
      }),
      { numRuns: 2000 },
    );
  });

  it('parseRangeHeader throws only RegistryError, and what it accepts lies within the blob', () => {
    fc.assert(
      fc.property(fc.oneof(rangeLike, rangeLike.map((r) => `bytes=${r}`)), fc.nat({ max: 1_000_000 }), (header, size) => {
        onlyRegistryErrors(() => {
          const range = parseRangeHeader(header, size);
          if (range) {
            expect(range.start).toBeGreaterThanOrEqual(0);
            expect(range.end).toBeLessThan(size);
            expect(range.end).toBeGreaterThanOrEqual(range.start);
          }
        });
      }),
      { numRuns: 2000 },
    );
  });

  it('parseManifest throws only RegistryError on deep nesting, prototype keys and extreme numbers', () => {
    const nasty = fc.oneof(
      fc.nat({ max: 100_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
      fc.nat({ max: 100_000 }).map((depth) => `{"schemaVersion":2,"mediaType":"${OCI_MANIFEST}","annotations":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`),
      fc.constantFrom('__proto__', 'constructor', 'prototype').map((key) => `{"schemaVersion":2,"${key}":{"mediaType":"x"},"mediaType":"${OCI_MANIFEST}","config":{"${key}":1},"layers":[]}`),
      fc.constantFrom('1e400', '-0', '9007199254740993', '1.5', 'NaN', '"2"').map((n) => `{"schemaVersion":${n},"mediaType":"${OCI_MANIFEST}","config":{"mediaType":"a/b","digest":"sha256:${'0'.repeat(64)}","size":${n}},"layers":[]}`),
    );
    fc.assert(
      fc.property(nasty, fc.constantFrom(OCI_MANIFEST, undefined, 'application/json', 'text/html'), (text, contentType) => {
        onlyRegistryErrors(() => parseManifest(Buffer.from(text), contentType));
      }),
      { numRuns: 300 },
    );
  });
});
