import fc from 'fast-check';
import { findDuplicateKey } from './json-duplicate-keys';

const scan = (text: string) => findDuplicateKey(Buffer.from(text));

describe('findDuplicateKey', () => {
  it.each([
    ['1'],
    ['{}'],
    ['{"a":1,"b":2}'],
    ['[{"a":1},{"a":2}]'],
    ['{"a":{"a":{"a":1}}}'],
    ['{"a":"\\"a\\":1,\\"a\\":2"}'],
    ['{"a":["a","a"]}'],
    ['{"ü":1,"u":2}'],
    [' { "a" : 1 , "b" : { "a" : 2 } } '],
  ])('finds none in %s', (text) => {
    expect(scan(text)).toBeNull();
  });

  it.each([
    ['{"a":1,"a":2}', 'a', ''],
    ['{"config":{"size":1,"digest":"x","size":2}}', 'size', 'config'],
    ['{"layers":[{"a":1},{"b":1,"b":2}]}', 'b', 'layers[1]'],
    ['{"x":[[1],[2,{"k":1,"k":1}]]}', 'k', 'x[1][1]'],
    ['{"a":1,"\\u0061":2}', 'a', ''],
    ['{"\\"q":1,"\\"q":2}', '"q', ''],
    ['{"ü":1,"\\u00fc":2}', 'ü', ''],
    ['{"annotations":{"a":"1"},"annotations":{}}', 'annotations', ''],
  ])('finds the duplicate in %s', (text, key, path) => {
    expect(scan(text)).toEqual({ key, path });
  });

  it('agrees with a key count on generated JSON', () => {
    // JSON.stringify never writes duplicates; splicing a copy of an existing member in makes one.
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 }), { minKeys: 1 }), fc.nat(), (object, pick) => {
        const text = JSON.stringify(object);
        expect(scan(text)).toBeNull();
        const keys = Object.keys(object);
        const key = keys[pick % keys.length];
        const member = `${JSON.stringify(key)}:${JSON.stringify(object[key])}`;
        expect(scan(`{${member},${text.slice(1)}`)).toEqual({ key, path: '' });
      }),
    );
  });

  it('stays linear on a wide object (no quadratic key comparison)', () => {
    const members = Array.from({ length: 200_000 }, (_, i) => `"k${i}":${i}`).join(',');
    const started = process.hrtime.bigint();
    expect(scan(`{${members},"k7":0}`)).toEqual({ key: 'k7', path: '' });
    // Generous: milliseconds on any machine; a quadratic scan would take minutes.
    expect(Number(process.hrtime.bigint() - started) / 1e9).toBeLessThan(5);
  });

  it('uses no recursion: a deep document does not overflow the stack', () => {
    const depth = 100_000;
    expect(scan(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`)).toBeNull();
  });

  it('stops at the end of malformed input instead of running on', () => {
    expect(scan('{"a')).toBeNull();
  });
});
