import { IncomingMessage } from 'node:http';
import ipaddr from 'ipaddr.js';
import type { TrustProxy } from '@cargohold/config';

/** Who sent a request, as far as the trusted proxies in front of us say. */
export interface RequestOrigin {
  /** The client's address: the socket's peer, or taken from X-Forwarded-For through trusted proxies. */
  address: string;
  /** X-Forwarded-Proto and -Host, set only when the socket's peer is a trusted proxy. */
  forwardedProto?: 'http' | 'https';
  forwardedHost?: string;
}

/** Where the origin rides on the request: one resolution per request, read by every consumer through `clientAddress`. */
const ORIGIN = Symbol('cargohold.requestOrigin');
type WithOrigin = IncomingMessage & { [ORIGIN]?: RequestOrigin };

/**
 * Resolves the client behind a request according to TRUST_PROXY. X-Forwarded-For is walked right to left
 * (the rightmost entry was written by the proxy nearest to us): each step is taken only while the address
 * we stand on is trusted, so entries a client writes itself are never believed.
 */
export class ClientAddressResolver {
  private readonly ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][];

  constructor(private readonly trust: TrustProxy) {
    this.ranges = trust.mode === 'ranges' ? trust.ranges.map((range) => ipaddr.parseCIDR(range)) : [];
  }

  /** Resolves the request's origin once and keeps it on the request for `clientAddress` and `forwardedOrigin`. */
  attach(req: IncomingMessage): RequestOrigin {
    const origin = this.resolve(req);
    (req as WithOrigin)[ORIGIN] = origin;
    return origin;
  }

  resolve(req: IncomingMessage): RequestOrigin {
    const peer = normalise(req.socket.remoteAddress ?? 'unknown');
    if (this.trust.mode === 'off' || !this.trusts(peer, 0)) return { address: peer };
    const forwarded = headerList(req, 'x-forwarded-for');
    let address = peer;
    for (let hop = 0; hop < forwarded.length && this.trusts(address, hop); hop++) {
      const next = normalise(forwarded[forwarded.length - 1 - hop]);
      if (!ipaddr.isValid(next)) break; // a proxy that forwards garbage: count against that proxy
      address = next;
    }
    const proto = headerList(req, 'x-forwarded-proto')[0]?.toLowerCase();
    const host = headerList(req, 'x-forwarded-host')[0];
    return {
      address,
      forwardedProto: proto === 'http' || proto === 'https' ? proto : undefined,
      forwardedHost: host !== undefined && /^([a-z0-9.-]+|\[[0-9a-f:.]+\])(:\d{1,5})?$/i.test(host) ? host : undefined,
    };
  }

  /** Whether `address`, reached after `hop` proxies, may tell us who is behind it (Express's `trust proxy` signature). */
  trusts(address: string, hop: number): boolean {
    switch (this.trust.mode) {
      case 'off':
        return false;
      case 'hops':
        return hop < this.trust.hops;
      case 'ranges': {
        if (!ipaddr.isValid(address)) return false;
        const parsed = ipaddr.process(address);
        return this.ranges.some(([range, bits]) => parsed.kind() === range.kind() && parsed.match(range, bits));
      }
    }
  }
}

/** The client address of a request resolved by `ClientAddressResolver.attach` (the socket's peer otherwise). */
export function clientAddress(req: IncomingMessage): string {
  return (req as WithOrigin)[ORIGIN]?.address ?? normalise(req.socket.remoteAddress ?? 'unknown');
}

/** The trusted X-Forwarded-Proto/-Host of a request, if any. */
export function forwardedOrigin(req: IncomingMessage): Pick<RequestOrigin, 'forwardedProto' | 'forwardedHost'> {
  const origin = (req as WithOrigin)[ORIGIN];
  return { forwardedProto: origin?.forwardedProto, forwardedHost: origin?.forwardedHost };
}

function headerList(req: IncomingMessage, name: string): string[] {
  const value = req.headers[name];
  const joined = Array.isArray(value) ? value.join(',') : value;
  return joined ? joined.split(',').map((part) => part.trim()).filter((part) => part !== '') : [];
}

/** `::ffff:10.0.0.1` and `10.0.0.1` are one client; addresses are kept in their canonical text form. */
function normalise(address: string): string {
  return ipaddr.isValid(address) ? ipaddr.process(address).toString() : address;
}
