/** The one way the UI talks to the server: same-origin fetches to /api/v4 with the session cookie. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface Page<T> {
  items: T[];
  total: number | null;
  totalPages: number | null;
  nextPage: number | null;
}

let csrfToken: string | null = null;
let onUnauthorized: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when the server answers 401 to a signed-in page (the session expired or was revoked). */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

export type Query = Record<string, string | number | boolean | undefined>;

export function apiPath(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined && value !== '') params.set(key, String(value));
  const qs = params.toString();
  return `/api/v4${path}${qs ? `?${qs}` : ''}`;
}

/** How long a prefetched GET waits for the page that asks for it: an answer older than this is not used. */
const PREFETCH_TTL_MS = 10_000;
const prefetched = new Map<string, { at: number; response: Promise<Response> }>();

/**
 * Starts a GET before the page that needs it renders (the boot starts the repository page's requests beside the
 * session's, not after it): the first `get`/`getPage` of the same path and query within PREFETCH_TTL_MS takes its
 * answer instead of sending its own. Never sends anything but a GET; an answer nobody takes is dropped.
 */
export function prefetch(path: string, query?: Query): void {
  const url = apiPath(path, query);
  if (prefetched.has(url)) return;
  const response = fetch(url, { method: 'GET', headers: { Accept: 'application/json' }, credentials: 'same-origin' });
  response.catch(() => undefined); // taken by the page, or never looked at
  prefetched.set(url, { at: Date.now(), response });
}

/** Forgets every prefetched answer (signed out: they were answered for nobody, or for whoever was signed in). */
export function dropPrefetched(): void {
  prefetched.clear();
}

function takePrefetched(url: string): Promise<Response> | undefined {
  const found = prefetched.get(url);
  if (!found) return undefined;
  prefetched.delete(url);
  return Date.now() - found.at < PREFETCH_TTL_MS ? found.response : undefined;
}

async function send(method: string, path: string, query?: Query, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const url = apiPath(path, query);
  const early = method === 'GET' ? takePrefetched(url) : undefined;
  const response = await (early ??
    fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    }));
  if (!response.ok) {
    if (response.status === 401 && path !== '/session') onUnauthorized?.();
    throw new ApiError(response.status, await errorMessage(response));
  }
  return response;
}

async function errorMessage(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { message?: unknown; error?: unknown; error_description?: unknown };
    const message = body.message ?? body.error_description ?? body.error;
    if (typeof message === 'string') return message;
    if (message && typeof message === 'object') {
      return Object.entries(message as Record<string, unknown>)
        .map(([field, problems]) => `${field} ${Array.isArray(problems) ? problems.join(', ') : String(problems)}`)
        .join('; ');
    }
  } catch {
    // not JSON
  }
  return `${response.status} ${response.statusText}`;
}

export async function get<T>(path: string, query?: Query): Promise<T> {
  return (await send('GET', path, query)).json() as Promise<T>;
}

/** One page of a GitLab-paginated list, with its X-Total / X-Next-Page headers. */
export async function getPage<T>(path: string, query?: Query): Promise<Page<T>> {
  const response = await send('GET', path, query);
  const number = (name: string) => {
    const value = response.headers.get(name);
    return value ? Number(value) : null;
  };
  return { items: (await response.json()) as T[], total: number('X-Total'), totalPages: number('X-Total-Pages'), nextPage: number('X-Next-Page') };
}

/** Every item of a paginated list, up to `limit` (large registries: the UI says when it stopped). */
export async function getAll<T>(path: string, query: Query = {}, limit = 2000): Promise<{ items: T[]; truncated: boolean }> {
  const items: T[] = [];
  let page: number | null = 1;
  while (page !== null && items.length < limit) {
    const result: Page<T> = await getPage<T>(path, { ...query, page, per_page: 100 });
    items.push(...result.items);
    page = result.nextPage;
  }
  return { items, truncated: page !== null };
}

export async function post<T>(path: string, body?: unknown): Promise<T> {
  return parse<T>(await send('POST', path, undefined, body ?? {}));
}

export async function put<T>(path: string, body: unknown): Promise<T> {
  return parse<T>(await send('PUT', path, undefined, body));
}

export async function patch<T>(path: string, body: unknown): Promise<T> {
  return parse<T>(await send('PATCH', path, undefined, body));
}

export async function del(path: string, query?: Query): Promise<void> {
  await send('DELETE', path, query);
}

async function parse<T>(response: Response): Promise<T> {
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** `:id` path segments: numeric ids stay as they are, full paths are URL-encoded as GitLab expects. */
export function enc(value: string | number): string {
  return encodeURIComponent(String(value));
}

/** The route itself does not exist on this server (GitLab's unmatched-route body), as opposed to a missing resource. */
export function isMissingEndpoint(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404 && error.message === '404 Not Found';
}
