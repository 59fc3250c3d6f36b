import type { Request, Response } from 'express';

/**
 * GitLab's keyset pagination header: only `Link: <...>; rel="next"`, built on PUBLIC_URL from the request's own
 * query with the next page's `last` (no X-Total: counting is what keyset pagination avoids).
 */
export function setKeysetNextLink(req: Request, res: Response, publicUrl: string, next: { perPage: number; last: string; sort: 'asc' | 'desc' }): void {
  const url = new URL(req.originalUrl, 'http://placeholder');
  url.searchParams.set('pagination', 'keyset');
  url.searchParams.set('per_page', String(next.perPage));
  url.searchParams.set('sort', next.sort);
  url.searchParams.set('last', next.last);
  res.setHeader('Link', `<${publicUrl}${url.pathname}${url.search}>; rel="next"`);
  res.setHeader('Access-Control-Expose-Headers', 'Link');
}
