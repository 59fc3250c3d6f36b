import { classifyAddress, isLocalAddress } from './address-classifier';

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'reserved'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['224.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'private'],
    ['fd12:3456:789a::1', 'private'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['ff02::1', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:8.8.8.8', 'public'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['2002:c0a8:0101::1', 'private'],
    ['not-an-ip', 'reserved'],
  ])('%s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.15.255.255', '172.32.0.0', '192.169.0.1', '100.63.255.255', '169.253.1.1', '11.0.0.1', '2001:4860:4860::8888', '2606:4700::1111', 'fec0::1'.replace('fec0', '2a00')])(
    '%s is public',
    (address) => {
      expect(classifyAddress(address)).toBe('public');
      expect(isLocalAddress(address)).toBe(false);
    },
  );

  // Issue #18: forms the hand-written list missed, and the special-purpose blocks around them.
  it.each([
    ['::ffff:0:127.0.0.1', 'loopback'], // IPv4-translated (RFC 6145)
    ['::ffff:0:7f00:1', 'loopback'],
    ['[::ffff:0:127.0.0.1]', 'loopback'],
    ['::ffff:0:10.0.0.1', 'private'],
    ['::ffff:0:169.254.169.254', 'link-local'],
    ['64:ff9b::127.0.0.1', 'loopback'], // NAT64 well-known prefix (RFC 6052)
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['64:ff9b:1::1', 'private'], // NAT64 local-use prefix (RFC 8215)
    ['64:ff9b:1::8.8.8.8', 'private'],
    ['64:ff9b:1:ffff::7f00:1', 'private'],
    ['::127.0.0.1', 'loopback'], // IPv4-compatible (deprecated)
    ['::7f00:1', 'reserved'],
    ['2002:7f00:1::1', 'loopback'], // 6to4 of 127.0.0.1
    ['192.0.2.1', 'reserved'], // documentation TEST-NET-1, -2, -3
    ['198.51.100.7', 'reserved'],
    ['203.0.113.200', 'reserved'],
    ['2001:db8::1', 'reserved'], // IPv6 documentation
    ['3fff::1', 'reserved'], // IPv6 documentation (RFC 9637)
    ['192.88.99.1', 'reserved'], // 6to4 relay anycast
    ['198.18.0.1', 'reserved'], // benchmarking
    ['240.0.0.1', 'reserved'],
    ['192.0.0.8', 'reserved'],
    ['192.175.48.1', 'reserved'], // AS112
    ['192.52.193.1', 'reserved'], // AMT
    ['100::1', 'reserved'], // discard-only
    ['2001::1', 'reserved'], // Teredo
    ['2001:2::1', 'reserved'], // benchmarking
    ['2001:20::1', 'reserved'], // ORCHIDv2
    ['5f00::1', 'reserved'], // segment routing
    ['fec0::1', 'private'], // deprecated site-local
    ['1::1', 'reserved'], // outside 2000::/3: not allocated for global unicast
    ['0x7f.1', 'reserved'], // not a standard notation: never reinterpreted as 127.0.0.1
    ['2130706433', 'reserved'],
  ])('%s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it.each(['64:ff9b::8.8.8.8', '::ffff:0:8.8.8.8', '2002:0808:0808::1', '2a00:1450:4001::1'])('%s (a public IPv4 inside, or global unicast) is public', (address) => {
    expect(classifyAddress(address)).toBe('public');
  });
});

