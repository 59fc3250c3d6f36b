import { isIP } from 'node:net';

/**
 * Server-side request forgery guard, part one: what kind of address an IP literal is. Everything that is not
 * `public` counts as local: webhooks may not reach it unless the administrator allows local requests.
 * IPv6 forms that embed an IPv4 address (mapped `::ffff:a.b.c.d`, compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`,
 * 6to4 `2002::/16`) are judged by the IPv4 address inside, so `::ffff:127.0.0.1` is loopback.
 */
export type AddressClass = 'public' | 'loopback' | 'private' | 'link-local' | 'unspecified' | 'reserved';

export function isLocalAddress(address: string): boolean {
  return classifyAddress(address) !== 'public';
}

export function classifyAddress(address: string): AddressClass {
  const ip = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(ip);
  if (family === 4) return classifyIpv4(ipv4Bytes(ip));
  if (family === 6) return classifyIpv6(ipv6Bytes(ip));
  // Not an address at all: refuse rather than guess.
  return 'reserved';
}

function classifyIpv4([a, b, c, d]: number[]): AddressClass {
  if (a === 0) return a === 0 && b === 0 && c === 0 && d === 0 ? 'unspecified' : 'reserved'; // 0.0.0.0/8 "this network"
  if (a === 127) return 'loopback';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
  if (a === 100 && b >= 64 && b <= 127) return 'private'; // 100.64/10, carrier-grade NAT
  if (a === 169 && b === 254) return 'link-local'; // includes cloud metadata at 169.254.169.254
  if (a >= 224) return 'reserved'; // multicast, 240/4, broadcast
  if (a === 192 && b === 0 && c === 0) return 'reserved'; // 192.0.0.0/24 IETF protocol assignments
  if (a === 198 && (b === 18 || b === 19)) return 'reserved'; // benchmarking
  return 'public';
}

function classifyIpv6(bytes: number[]): AddressClass {
  const zeroPrefix = (n: number) => bytes.slice(0, n).every((byte) => byte === 0);
  if (zeroPrefix(16)) return 'unspecified';
  if (zeroPrefix(15) && bytes[15] === 1) return 'loopback';
  if (zeroPrefix(10) && bytes[10] === 0xff && bytes[11] === 0xff) return classifyIpv4(bytes.slice(12)); // ::ffff:a.b.c.d
  if (zeroPrefix(12)) return classifyIpv4(bytes.slice(12)); // ::a.b.c.d (deprecated IPv4-compatible)
  if (bytes[0] === 0x00 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && bytes.slice(4, 12).every((b) => b === 0)) {
    return classifyIpv4(bytes.slice(12)); // 64:ff9b::/96 NAT64
  }
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return classifyIpv4(bytes.slice(2, 6)); // 2002::/16 6to4
  if ((bytes[0] & 0xfe) === 0xfc) return 'private'; // fc00::/7 unique local
  if (bytes[0] === 0xfe && (bytes[1] & 0xc0) === 0x80) return 'link-local'; // fe80::/10
  if (bytes[0] === 0xfe && (bytes[1] & 0xc0) === 0xc0) return 'private'; // fec0::/10 deprecated site-local
  if (bytes[0] === 0xff) return 'reserved'; // multicast
  return 'public';
}

function ipv4Bytes(ip: string): number[] {
  return ip.split('.').map(Number);
}

/** 16 bytes of an IPv6 address that `isIP` accepted (handles `::` and a trailing dotted IPv4 part). */
function ipv6Bytes(ip: string): number[] {
  let text = ip.toLowerCase();
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    tail.push(...ipv4Bytes(text.slice(lastColon + 1)));
    text = `${text.slice(0, lastColon + 1)}0:0`; // placeholder groups, replaced by the IPv4 bytes below
  }
  const [head, rest] = text.includes('::') ? text.split('::') : [text, undefined];
  const headGroups = head ? head.split(':') : [];
  const restGroups = rest ? rest.split(':') : [];
  const missing = 8 - headGroups.length - restGroups.length;
  const groups = [...headGroups, ...Array(rest === undefined ? 0 : missing).fill('0'), ...restGroups].map((g) => parseInt(g || '0', 16));
  const bytes = groups.flatMap((group) => [group >> 8, group & 0xff]);
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes;
}
