import type { Request } from 'express';

export type PresentedToken = { kind: 'token' | 'job'; token: string };

/**
 * The token a REST request presents: `PRIVATE-TOKEN`, `Authorization: Bearer`, or `JOB-TOKEN` (GitLab's headers).
 * Query-string tokens are not accepted: URLs end up in logs and proxies.
 */
export function presentedToken(req: Request): PresentedToken | null {
  const jobToken = header(req, 'job-token');
  if (jobToken) return { kind: 'job', token: jobToken };
  const privateToken = header(req, 'private-token');
  if (privateToken) return { kind: 'token', token: privateToken };
  const authorization = header(req, 'authorization');
  const bearer = authorization && /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (bearer) return { kind: 'token', token: bearer[1] };
  return null;
}

function header(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first?.trim() || undefined;
}

/** The address failed authentications are counted against: resolved once per request through TRUST_PROXY. */
export { clientAddress } from '../http/client-address';

/** The web UI's session cookie (`cargohold_session`), read only when no token header is presented. */
export function sessionCookie(req: Request): string | null {
  const cookies = header(req, 'cookie');
  if (!cookies) return null;
  for (const part of cookies.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === 'cargohold_session') return value.join('=') || null;
  }
  return null;
}

/** The CSRF token the web UI sends with every cookie-authenticated write (`X-CSRF-Token`). */
export function csrfHeader(req: Request): string | undefined {
  return header(req, 'x-csrf-token');
}
