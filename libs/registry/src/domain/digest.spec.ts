import fc from 'fast-check';
import { computeDigest, createDigester, isDigest, parseDigest } from './digest';
import { RegistryError } from './errors';
import { thrown } from './thrown.spec-helper';

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const ABC_SHA256 = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
const ABC_SHA512 =
  'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f';

describe('parseDigest', () => {
  it('parses sha256', () => {
    expect(parseDigest(`sha256:${ABC_SHA256}`)).toEqual({
      algorithm: 'sha256',
      hex: ABC_SHA256,
      value: `sha256:${ABC_SHA256}`,
    });
  });

  it('parses sha512', () => {
    expect(parseDigest(`sha512:${ABC_SHA512}`)).toEqual({
      algorithm: 'sha512',
      hex: ABC_SHA512,
      value: `sha512:${ABC_SHA512}`,
    });
  });

  it.each([
    ['uppercase hex', `sha256:${ABC_SHA256.toUpperCase()}`],
    ['63 hex characters', `sha256:${ABC_SHA256.slice(1)}`],
    ['65 hex characters', `sha256:${ABC_SHA256}0`],
    ['sha512 length on sha256', `sha256:${ABC_SHA512}`],
    ['sha256 length on sha512', `sha512:${ABC_SHA256}`],
    ['non-hex in a registered algorithm', `sha256:${'g'.repeat(64)}`],
    ['no colon', ABC_SHA256],
    ['empty', ''],
    ['empty algorithm', `:${ABC_SHA256}`],
    ['empty encoded', 'sha256:'],
    ['uppercase algorithm', `SHA256:${ABC_SHA256}`],
    ['whitespace', ` sha256:${ABC_SHA256}`],
    ['trailing newline', `sha256:${ABC_SHA256}\n`],
    ['two colons', `sha256:sha256:${ABC_SHA256}`],
    ['bad algorithm separator', `sha+:${ABC_SHA256}`],
    ['very long', `sha256:${'a'.repeat(100_000)}`],
  ])('rejects %s as DIGEST_INVALID', (_label, input) => {
    const e = thrown(() => parseDigest(input));
    expect(e.code).toBe('DIGEST_INVALID');
    expect(isDigest(input)).toBe(false);
  });

  it.each([
    ['md5', 'md5:d41d8cd98f00b204e9800998ecf8427e'],
    ['sha384', `sha384:${'a'.repeat(96)}`],
    ['a multihash-style algorithm', `multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8`],
    ['blake3', `blake3:${'a'.repeat(64)}`],
  ])('rejects %s as an unsupported algorithm', (_label, input) => {
    const e = thrown(() => parseDigest(input));
    expect(e.code).toBe('DIGEST_INVALID');
    expect(e.message).toMatch(/^unsupported digest algorithm "/);
  });

  it('does not echo huge input back in the error', () => {
    const e = thrown(() => parseDigest(`sha256:${'a'.repeat(100_000)}`));
    expect(e.message.length + JSON.stringify(e.detail ?? {}).length).toBeLessThan(500);
  });

  it('rejects non-strings without crashing', () => {
    expect(thrown(() => parseDigest(42 as unknown as string)).code).toBe('DIGEST_INVALID');
    expect(isDigest(undefined)).toBe(false);
  });

  it('isDigest accepts a valid digest', () => {
    expect(isDigest(`sha256:${EMPTY_SHA256}`)).toBe(true);
  });

  describe('properties', () => {
    const hex = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });

    it('round-trips every well-formed sha256 and sha512 digest', () => {
      fc.assert(
        fc.property(fc.oneof(hex(64).map((h) => `sha256:${h}`), hex(128).map((h) => `sha512:${h}`)), (d) => {
          const p = parseDigest(d);
          expect(p.value).toBe(d);
          expect(`${p.algorithm}:${p.hex}`).toBe(d);
        }),
      );
    });

    it('throws only RegistryError(DIGEST_INVALID) on arbitrary strings', () => {
      fc.assert(
        fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string().map((s) => `sha256:${s}`)), (s) => {
          try {
            const p = parseDigest(s);
            expect(p.value).toBe(s);
          } catch (e) {
            expect(e).toBeInstanceOf(RegistryError);
            expect((e as RegistryError).code).toBe('DIGEST_INVALID');
          }
        }),
      );
    });

    it('accepts a sha256 digest only with exactly 64 lowercase hex characters', () => {
      fc.assert(
        fc.property(fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), maxLength: 80 }), (h) => {
          expect(isDigest(`sha256:${h}`)).toBe(h.length === 64 && h === h.toLowerCase());
        }),
      );
    });
  });
});

describe('createDigester', () => {
  it('digests known vectors', () => {
    expect(createDigester().digest()).toBe(`sha256:${EMPTY_SHA256}`);
    expect(createDigester('sha256').update('abc').digest()).toBe(`sha256:${ABC_SHA256}`);
    expect(createDigester('sha512').update(Buffer.from('abc')).digest()).toBe(`sha512:${ABC_SHA512}`);
  });

  it('hashes chunks the same as the whole', () => {
    const d = createDigester();
    d.update('a').update(Buffer.from('b')).update(new Uint8Array([0x63]));
    expect(d.digest()).toBe(`sha256:${ABC_SHA256}`);
  });

  it('digest() can be called repeatedly and updating continues afterwards', () => {
    const d = createDigester().update('ab');
    const mid = d.digest();
    expect(d.digest()).toBe(mid);
    d.update('c');
    expect(d.digest()).toBe(`sha256:${ABC_SHA256}`);
    expect(mid).toBe(computeDigest('ab'));
  });

  it('copy() forks independent state', () => {
    const a = createDigester().update('a');
    const b = a.copy();
    a.update('bc');
    b.update('x');
    expect(a.digest()).toBe(`sha256:${ABC_SHA256}`);
    expect(b.digest()).toBe(computeDigest('ax'));
    expect(b.algorithm).toBe('sha256');
  });

  it('produces digests that parseDigest accepts', () => {
    expect(parseDigest(computeDigest('x', 'sha512')).algorithm).toBe('sha512');
  });

  it('rejects unsupported algorithms', () => {
    expect(thrown(() => createDigester('md5' as 'sha256')).code).toBe('DIGEST_INVALID');
  });

  it('knows the OCI empty descriptor digest', () => {
    expect(computeDigest('{}')).toBe('sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
  });
});
