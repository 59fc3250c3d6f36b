import { IsOptional, Max, Min } from 'class-validator';
import type { Request, Response } from 'express';
import { GitlabInteger } from './validation';

export const DEFAULT_PER_PAGE = 20;
export const MAX_PER_PAGE = 100;

/** `page` and `per_page`, as every GitLab list endpoint takes them. Extend it in a DTO to add filters. */
export class PaginationQuery {
  @IsOptional() @GitlabInteger() @Min(1) @Max(1_000_000)
  page?: number;

  /** Values above 100 are clamped, as in GitLab. */
  @IsOptional() @GitlabInteger() @Min(1)
  per_page?: number;
}

/** An offset page: what data access needs (limit, offset) and what the headers need (page, perPage). */
export interface OffsetPage {
  page: number;
  perPage: number;
  limit: number;
  offset: number;
}

export function offsetPage(query: PaginationQuery): OffsetPage {
  const page = query.page ?? 1;
  const perPage = Math.min(query.per_page ?? DEFAULT_PER_PAGE, MAX_PER_PAGE);
  return { page, perPage, limit: perPage, offset: (page - 1) * perPage };
}

/**
 * Sets GitLab's offset pagination headers: X-Total, X-Total-Pages, X-Page, X-Per-Page, X-Next-Page,
 * X-Prev-Page (empty when there is none) and Link (prev, next, first, last). Links are built on `baseUrl`
 * (PUBLIC_URL), keeping the request's other query parameters. A `total` of null (a list that does not count past
 * a bound) leaves out X-Total, X-Total-Pages and rel="last", as GitLab does past 10 000 records; `more` then says
 * whether there is a next page.
 */
export function setPaginationHeaders(req: Request, res: Response, page: OffsetPage, total: number | null, baseUrl: string, more = false): void {
  const totalPages = total === null ? null : Math.max(1, Math.ceil(total / page.perPage));
  const next = (totalPages === null ? more : page.page < totalPages) ? page.page + 1 : null;
  const prev = page.page > 1 ? Math.min(page.page - 1, totalPages ?? page.page - 1) : null;
  if (total !== null) res.setHeader('X-Total', String(total));
  if (totalPages !== null) res.setHeader('X-Total-Pages', String(totalPages));
  res.setHeader('X-Page', String(page.page));
  res.setHeader('X-Per-Page', String(page.perPage));
  res.setHeader('X-Next-Page', next === null ? '' : String(next));
  res.setHeader('X-Prev-Page', prev === null ? '' : String(prev));
  const link = (target: number, rel: string) => `<${pageUrl(req, baseUrl, target, page.perPage)}>; rel="${rel}"`;
  const links = [
    ...(prev !== null ? [link(prev, 'prev')] : []),
    ...(next !== null ? [link(next, 'next')] : []),
    link(1, 'first'),
    ...(totalPages !== null ? [link(totalPages, 'last')] : []),
  ];
  res.setHeader('Link', links.join(', '));
  appendExposedHeaders(res);
}

/**
 * Pages a list: asks `fetch` for one page (limit/offset), sets the headers, returns the items.
 * Generic over what is listed, so every REST controller (IAM, registry management) paginates the same way.
 */
export async function paginate<T>(
  req: Request,
  res: Response,
  query: PaginationQuery,
  baseUrl: string,
  fetch: (page: OffsetPage) => Promise<{ items: T[]; total: number | null; more?: boolean }>,
): Promise<T[]> {
  const page = offsetPage(query);
  const { items, total, more } = await fetch(page);
  setPaginationHeaders(req, res, page, total, baseUrl, more);
  return items;
}

function pageUrl(req: Request, baseUrl: string, page: number, perPage: number): string {
  const url = new URL(req.originalUrl, 'http://placeholder');
  url.searchParams.set('page', String(page));
  url.searchParams.set('per_page', String(perPage));
  return `${baseUrl}${url.pathname}${url.search}`;
}

function appendExposedHeaders(res: Response): void {
  res.setHeader('Access-Control-Expose-Headers', 'X-Total, X-Total-Pages, X-Page, X-Per-Page, X-Next-Page, X-Prev-Page, Link');
}
