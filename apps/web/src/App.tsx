import { useCallback, useEffect, useState } from 'react';
import { dropPrefetched, setUnauthorizedHandler } from './api/client';
import { currentSession, signOut } from './api/session';
import type { Session } from './api/types';
import { Layout } from './components/Layout';
import { ErrorState, Loading } from './components/States';
import { Routes } from './Routes';
import { SignInPage } from './pages/SignInPage';
import { navigate } from './router';
import { SessionContext } from './session-context';

export function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [bootError, setBootError] = useState<unknown>(null);
  const [expired, setExpired] = useState(false);

  const boot = useCallback(() => {
    setBootError(null);
    currentSession().then((found) => {
      // Signed out: what the boot prefetched was answered for nobody.
      if (found === null) dropPrefetched();
      setSession(found);
    }, setBootError);
  }, []);
  useEffect(boot, [boot]);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setExpired(true);
      setSession(null);
    });
    return () => setUnauthorizedHandler(null);
  }, []);

  const doSignOut = useCallback(async () => {
    await signOut().catch(() => undefined);
    dropPrefetched();
    setSession(null);
    navigate('/');
  }, []);

  if (bootError) {
    return (
      <main className="centered">
        <ErrorState error={bootError} onRetry={boot} />
      </main>
    );
  }
  if (session === undefined) {
    return (
      <main className="centered">
        <Loading />
      </main>
    );
  }
  if (session === null) {
    return (
      <SignInPage
        notice={expired ? 'Your session has ended. Sign in again.' : undefined}
        onSignedIn={(next) => {
          setExpired(false);
          setSession(next);
        }}
      />
    );
  }
  return (
    <SessionContext.Provider value={{ user: session.user, scopes: session.scopes, signOut: doSignOut }}>
      <Layout>
        <Routes />
      </Layout>
    </SessionContext.Provider>
  );
}
