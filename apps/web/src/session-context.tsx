import { createContext, useContext } from 'react';
import type { SessionUser } from './api/types';

export interface SessionContextValue {
  user: SessionUser;
  /** Scopes of the token the session was opened with; null for a password sign-in (everything). */
  scopes: string[] | null;
  signOut: () => Promise<void>;
}

export const SessionContext = createContext<SessionContextValue | null>(null);

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside a signed-in page');
  return value;
}
