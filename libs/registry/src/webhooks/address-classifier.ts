import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Server-side request forgery guard, part one: what kind of address an IP literal is. Everything that is not
 * `public` counts as local: webhooks may not reach it unless the administrator allows local requests.
 *
 * The special-purpose blocks come from ipaddr.js (`range()`, maintained against IANA's special-purpose address
 * registries), not from a hand-written list. Any range name we do not know is treated as reserved, so a block
 * added by a newer ipaddr.js is refused until someone decides otherwise. IPv6 forms that carry an IPv4 address
 * are judged by the IPv4 address inside: IPv4-mapped `::ffff:a.b.c.d`, IPv4-translated `::ffff:0:a.b.c.d`,
 * well-known NAT64 `64:ff9b::/96`, 6to4 `2002::/16`. The local-use NAT64 prefix `64:ff9b:1::/48` translates into
 * the operator's own networks, so it is private whatever it embeds. Outside the global unicast block `2000::/3`
 * no IPv6 address is public.
 */
export type AddressClass = 'public' | 'loopback' | 'private' | 'link-local' | 'unspecified' | 'reserved';

export function isLocalAddress(address: string): boolean {
  return classifyAddress(address) !== 'public';
}

export function classifyAddress(address: string): AddressClass {
  const ip = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  // node's isIP accepts only the standard notations; ipaddr.js alone would also take `0x7f.1` and the like.
  const family = isIP(ip);
  if (family === 4) return classifyIpv4(ipaddr.IPv4.parse(ip));
  if (family === 6) return classifyIpv6(ipaddr.IPv6.parse(ip));
  // Not an address at all: refuse rather than guess.
  return 'reserved';
}

const IPV4_CLASSES: Record<string, AddressClass> = {
  unicast: 'public',
  loopback: 'loopback',
  private: 'private',
  carrierGradeNat: 'private',
  linkLocal: 'link-local', // includes cloud metadata at 169.254.169.254
  // broadcast, multicast, reserved (IETF protocol assignments, documentation, benchmarking, 240/4), as112, amt
};

function classifyIpv4(address: ipaddr.IPv4): AddressClass {
  const range = address.range();
  if (range === 'unspecified') return address.octets.every((octet) => octet === 0) ? 'unspecified' : 'reserved'; // 0/8 "this network"
  return IPV4_CLASSES[range] ?? 'reserved';
}

const IPV6_CLASSES: Record<string, AddressClass> = {
  unspecified: 'unspecified',
  loopback: 'loopback',
  linkLocal: 'link-local',
  uniqueLocal: 'private',
  deprecatedSiteLocal: 'private',
  // multicast, discard, teredo, benchmarking, documentation and the other reserved blocks: 'reserved'
};

function classifyIpv6(address: ipaddr.IPv6): AddressClass {
  const bytes = address.toByteArray();
  const embedded = (from: number) => classifyIpv4(new ipaddr.IPv4(bytes.slice(from, from + 4)));
  const range = address.range();
  switch (range) {
    case 'ipv4Mapped': // ::ffff:0:0/96
    case 'rfc6145': // ::ffff:0:0:0/96, IPv4-translated
      return embedded(12);
    case 'rfc6052': // NAT64: the well-known /96 embeds an IPv4 address; 64:ff9b:1::/48 is local use
      return address.match(ipaddr.IPv6.parse('64:ff9b::'), 96) ? embedded(12) : 'private';
    case '6to4':
      return embedded(2);
    case 'unicast':
      return (bytes[0] & 0xe0) === 0x20 ? 'public' : 'reserved';
    default:
      return IPV6_CLASSES[range] ?? 'reserved';
  }
}
