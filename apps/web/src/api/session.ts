import { ApiError, del, get, post, prefetch, setCsrfToken } from './client';
import type { Session } from './types';

/** Starts the request currentSession makes, for it to take (client.ts, `prefetch`). */
export function prefetchSession(): void {
  prefetch('/session');
}

/** The current session, or null when signed out. */
export async function currentSession(): Promise<Session | null> {
  try {
    const session = await get<Session>('/session');
    setCsrfToken(session.csrf_token);
    return session;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export async function signIn(credentials: { login: string; password: string } | { token: string }): Promise<Session> {
  const session = await post<Session>('/session', credentials);
  setCsrfToken(session.csrf_token);
  return session;
}

export async function signOut(): Promise<void> {
  try {
    await del('/session');
  } finally {
    setCsrfToken(null);
  }
}
