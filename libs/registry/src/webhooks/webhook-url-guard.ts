import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { classifyAddress } from './address-classifier';
import { WebhookUrlError } from './webhook-errors';

/** Resolves a host name to every address it has (A and AAAA). Replaceable in unit specs. */
export type HostResolver = (hostname: string) => Promise<string[]>;

export const resolveHost: HostResolver = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

export interface UrlGuardOptions {
  /** GitLab's `allow_local_requests_from_web_hooks_and_services`. */
  allowLocal: boolean;
  resolve?: HostResolver;
}

/**
 * Server-side request forgery guard, part two: a webhook URL must be http(s) and, unless local requests are
 * allowed, every address its host resolves to must be public. The api checks on create/update; the worker
 * checks again at delivery time (DNS may have changed since) and connects only to the address it checked.
 */
export async function checkWebhookUrl(raw: string, options: UrlGuardOptions): Promise<{ url: URL; addresses: string[] }> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookUrlError('is blocked: Only allowed schemes are http, https');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new WebhookUrlError('is blocked: Only allowed schemes are http, https');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!host) throw new WebhookUrlError('is blocked: Host cannot be resolved or invalid');
  const addresses = await resolveAll(host, options.resolve ?? resolveHost);
  if (!options.allowLocal) assertPublic(addresses);
  return { url, addresses };
}

/** Throws unless every address is public (a name with one private address among public ones is refused too). */
export function assertPublic(addresses: string[]): void {
  for (const address of addresses) {
    const kind = classifyAddress(address);
    if (kind === 'loopback' || kind === 'unspecified') throw new WebhookUrlError('is blocked: Requests to localhost are not allowed');
    if (kind !== 'public') throw new WebhookUrlError('is blocked: Requests to the local network are not allowed');
  }
}

async function resolveAll(host: string, resolve: HostResolver): Promise<string[]> {
  if (isIP(host)) return [host];
  try {
    const addresses = await resolve(host);
    if (addresses.length === 0) throw new Error('no address');
    return addresses;
  } catch {
    throw new WebhookUrlError('is blocked: Host cannot be resolved or invalid');
  }
}
