import ipaddr from 'ipaddr.js';

/**
 * Which peers may tell us the client's address (X-Forwarded-For) and the public scheme and host
 * (X-Forwarded-Proto, X-Forwarded-Host). Off: nobody, the socket's peer is the client.
 * `hops`: the last N proxies in front of us are trusted whoever they are. `ranges`: peers inside these
 * CIDR ranges are trusted, however many.
 */
export type TrustProxy =
  | { mode: 'off' }
  | { mode: 'hops'; hops: number }
  | { mode: 'ranges'; ranges: string[] };

const MAX_HOPS = 10;

/** Parses TRUST_PROXY; undefined when the value is not one of the accepted forms. */
export function parseTrustProxy(value: string): TrustProxy | undefined {
  const text = value.trim();
  if (text === '' || text === 'false' || text === '0') return { mode: 'off' };
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    return hops <= MAX_HOPS ? { mode: 'hops', hops } : undefined;
  }
  const ranges: string[] = [];
  for (const item of text.split(',').map((part) => part.trim())) {
    const range = normaliseRange(item);
    if (range === undefined) return undefined;
    ranges.push(range);
  }
  return { mode: 'ranges', ranges };
}

/** `10.0.0.0/8` or a bare address (`127.0.0.1`, `::1`, taken as /32 or /128), in canonical CIDR form. */
function normaliseRange(item: string): string | undefined {
  try {
    if (item.includes('/')) {
      const [address, bits] = ipaddr.parseCIDR(item);
      return `${address.toString()}/${bits}`;
    }
    if (!ipaddr.isValid(item)) return undefined;
    const address = ipaddr.parse(item);
    return `${address.toString()}/${address.kind() === 'ipv4' ? 32 : 128}`;
  } catch {
    return undefined;
  }
}
