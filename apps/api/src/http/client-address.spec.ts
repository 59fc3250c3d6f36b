import { IncomingMessage } from 'node:http';
import { ClientAddressResolver, clientAddress } from './client-address';
import { publicUrlResolver } from './public-url';

function request(peer: string, headers: Record<string, string> = {}): IncomingMessage {
  return { socket: { remoteAddress: peer }, headers } as unknown as IncomingMessage;
}

describe('ClientAddressResolver', () => {
  it('off: the socket peer, whatever X-Forwarded-For says; IPv4-mapped peers in IPv4 form', () => {
    const resolver = new ClientAddressResolver({ mode: 'off' });
    expect(resolver.resolve(request('10.0.0.5', { 'x-forwarded-for': '1.2.3.4' }))).toEqual({ address: '10.0.0.5' });
    expect(resolver.resolve(request('::ffff:10.0.0.5')).address).toBe('10.0.0.5');
  });

  it('ranges: walks X-Forwarded-For right to left while the address stood on is trusted', () => {
    const resolver = new ClientAddressResolver({ mode: 'ranges', ranges: ['10.0.0.0/8', '127.0.0.1/32'] });
    // client 1.2.3.4 -> proxy 10.1.1.1 -> proxy 10.2.2.2 -> us (peer 127.0.0.1); the client prepended a lie.
    const req = request('127.0.0.1', { 'x-forwarded-for': '6.6.6.6, 1.2.3.4, 10.1.1.1, 10.2.2.2' });
    expect(resolver.resolve(req).address).toBe('1.2.3.4');
    // An untrusted peer is the client, and its forwarded headers are ignored.
    expect(resolver.resolve(request('192.0.2.9', { 'x-forwarded-for': '1.2.3.4', 'x-forwarded-proto': 'https' }))).toEqual({ address: '192.0.2.9' });
    // Garbage written by a trusted proxy counts against that proxy.
    expect(resolver.resolve(request('127.0.0.1', { 'x-forwarded-for': 'not-an-ip' })).address).toBe('127.0.0.1');
  });

  it('hops: trusts exactly that many proxies, whoever they are', () => {
    const resolver = new ClientAddressResolver({ mode: 'hops', hops: 1 });
    expect(resolver.resolve(request('192.0.2.1', { 'x-forwarded-for': '6.6.6.6, 1.2.3.4' })).address).toBe('1.2.3.4');
    expect(new ClientAddressResolver({ mode: 'hops', hops: 2 }).resolve(request('192.0.2.1', { 'x-forwarded-for': '6.6.6.6, 1.2.3.4' })).address).toBe('6.6.6.6');
  });

  it('keeps the resolution on the request for clientAddress, and X-Forwarded-Proto/Host only through a trusted peer', () => {
    const resolver = new ClientAddressResolver({ mode: 'ranges', ranges: ['127.0.0.1/32'] });
    const req = request('127.0.0.1', { 'x-forwarded-for': '1.2.3.4', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'registry.example.com' });
    resolver.attach(req);
    expect(clientAddress(req)).toBe('1.2.3.4');
    expect(publicUrlResolver({ publicUrl: 'http://127.0.0.1:5000', publicUrlConfigured: false })(req)).toBe('https://registry.example.com');
    // PUBLIC_URL stays authoritative when set.
    expect(publicUrlResolver({ publicUrl: 'https://cr.example.org', publicUrlConfigured: true })(req)).toBe('https://cr.example.org');
    const direct = request('192.0.2.9', { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example' });
    resolver.attach(direct);
    expect(publicUrlResolver({ publicUrl: 'http://127.0.0.1:5000', publicUrlConfigured: false })(direct)).toBe('http://127.0.0.1:5000');
  });
});
