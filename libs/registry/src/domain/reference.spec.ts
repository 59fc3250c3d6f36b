import fc from 'fast-check';
import { RegistryError } from './errors';
import { isValidTag, parseLookupReference, parseReference, parseTag } from './reference';
import { thrown } from './thrown.spec-helper';

const DIGEST = 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('parseReference', () => {
  it.each(['latest', 'v1.2.3', '_private', '1', 'A-b_c.D', 'x'.repeat(128)])('parses tag %s', (tag) => {
    expect(parseReference(tag)).toEqual({ kind: 'tag', tag });
  });

  it('parses a digest', () => {
    expect(parseReference(DIGEST)).toEqual({
      kind: 'digest',
      digest: { algorithm: 'sha256', hex: DIGEST.slice(7), value: DIGEST },
    });
  });

  it.each([
    ['empty', ''],
    ['129 characters', 'x'.repeat(129)],
    ['a leading dot', '.hidden'],
    ['a leading dash', '-v1'],
    ['a slash', 'a/b'],
    ['a space', 'v 1'],
    ['a plus', 'v1+build'],
    ['non-ASCII', 'vé'],
    ['a newline', 'v1\n'],
  ])('rejects a tag with %s as TAG_INVALID', (_label, ref) => {
    const e = thrown(() => parseReference(ref));
    expect(e.code).toBe('TAG_INVALID');
    expect(e.message).toMatch(/^invalid tag/);
  });

  it.each([`sha256:${'A'.repeat(64)}`, 'md5:d41d8cd98f00b204e9800998ecf8427e', 'latest:', ':x'])(
    'reports %s as DIGEST_INVALID because it contains a colon',
    (ref) => {
      expect(thrown(() => parseReference(ref)).code).toBe('DIGEST_INVALID');
    },
  );

  it('throws only RegistryError on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' })), (s) => {
        try {
          const r = parseReference(s);
          expect(r.kind === 'tag' ? r.tag : r.digest.value).toBe(s);
        } catch (e) {
          expect(e).toBeInstanceOf(RegistryError);
          expect(['TAG_INVALID', 'DIGEST_INVALID']).toContain((e as RegistryError).code);
        }
      }),
    );
  });

  it('accepts every string of the tag grammar', () => {
    const tag = fc
      .tuple(
        fc.constantFrom(...'ABZabz019_'),
        fc.string({ unit: fc.constantFrom(...'AZaz09._-'), maxLength: 127 }),
      )
      .map(([a, b]) => a + b);
    fc.assert(fc.property(tag, (t) => expect(parseReference(t)).toEqual({ kind: 'tag', tag: t })));
  });
});

describe('parseTag / isValidTag', () => {
  it('returns a valid tag unchanged', () => {
    expect(parseTag('v1')).toBe('v1');
    expect(isValidTag('v1')).toBe(true);
  });

  it('rejects a digest-looking tag', () => {
    expect(thrown(() => parseTag(DIGEST)).code).toBe('TAG_INVALID');
    expect(isValidTag(DIGEST)).toBe(false);
    expect(isValidTag(undefined)).toBe(false);
  });
});

describe('parseLookupReference', () => {
  it('parses tags and digests as parseReference does', () => {
    expect(parseLookupReference('latest')).toEqual({ kind: 'tag', tag: 'latest' });
    expect(parseLookupReference(DIGEST)).toMatchObject({ kind: 'digest' });
  });

  it.each(['.INVALID_MANIFEST_NAME', '-lead', 'bad~tag', 'x'.repeat(129), 'sha256:abc', 'md5:d41d8cd98f00b204e9800998ecf8427e'])(
    'answers %s with MANIFEST_UNKNOWN: it can name no stored manifest',
    (ref) => {
      const e = thrown(() => parseLookupReference(ref));
      expect(e.code).toBe('MANIFEST_UNKNOWN');
    },
  );
});
