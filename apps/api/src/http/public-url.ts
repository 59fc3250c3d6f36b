import { IncomingMessage } from 'node:http';
import type { AppConfig } from '@cargohold/config';
import { forwardedOrigin } from './client-address';

/** The base of the absolute URLs a response names (Location headers, the token realm), per request. */
export type PublicUrlOf = (req: IncomingMessage) => string;

/**
 * PUBLIC_URL, when set, is authoritative: every absolute URL starts with it, whatever a proxy says. When it
 * is not set, a request that came through a trusted proxy (TRUST_PROXY) gets its X-Forwarded-Proto and
 * X-Forwarded-Host (or its Host header) instead of the listening address, so clients are sent back through
 * the proxy they used; anyone else gets the listening address, as before.
 */
export function publicUrlResolver(config: Pick<AppConfig, 'publicUrl' | 'publicUrlConfigured'>): PublicUrlOf {
  if (config.publicUrlConfigured) return () => config.publicUrl;
  const listening = new URL(config.publicUrl);
  return (req) => {
    const { forwardedProto, forwardedHost } = forwardedOrigin(req);
    if (forwardedProto === undefined && forwardedHost === undefined) return config.publicUrl;
    const hostHeader = req.headers.host !== undefined && /^([a-z0-9.-]+|\[[0-9a-f:.]+\])(:\d{1,5})?$/i.test(req.headers.host) ? req.headers.host : undefined;
    return `${forwardedProto ?? listening.protocol.slice(0, -1)}://${forwardedHost ?? hostHeader ?? listening.host}`;
  };
}
