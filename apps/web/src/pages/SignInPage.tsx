import { FormEvent, useState } from 'react';
import { ApiError } from '../api/client';
import { signIn } from '../api/session';
import type { Session } from '../api/types';

type Mode = 'password' | 'token';

export function SignInPage({ onSignedIn, notice }: { onSignedIn: (session: Session) => void; notice?: string }) {
  const [mode, setMode] = useState<Mode>('password');
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await signIn(mode === 'password' ? { login, password } : { token }));
    } catch (failure) {
      setError(
        failure instanceof ApiError && failure.status === 401
          ? mode === 'password'
            ? 'Invalid username or password.'
            : 'That token is not valid (revoked, expired or mistyped).'
          : failure instanceof Error
            ? failure.message
            : String(failure),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="sign-in" id="main">
      <form onSubmit={submit} aria-labelledby="sign-in-title" className="card">
        <h1 id="sign-in-title">Sign in to cargohold</h1>
        {notice && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
        <fieldset className="segmented">
          <legend>Sign in with</legend>
          <label>
            <input type="radio" name="mode" checked={mode === 'password'} onChange={() => setMode('password')} /> Username and password
          </label>
          <label>
            <input type="radio" name="mode" checked={mode === 'token'} onChange={() => setMode('token')} /> Personal access token
          </label>
        </fieldset>
        {mode === 'password' ? (
          <>
            <label htmlFor="login">Username</label>
            <input id="login" name="username" autoComplete="username" required value={login} onChange={(e) => setLogin(e.target.value)} autoFocus />
            <label htmlFor="password">Password</label>
            <input
              id="password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </>
        ) : (
          <>
            <label htmlFor="token">Personal access token</label>
            <input id="token" name="token" type="password" autoComplete="off" required value={token} onChange={(e) => setToken(e.target.value)} autoFocus />
            <p className="hint">The token needs the api or read_api scope; the session gets the token's scopes.</p>
          </>
        )}
        {error && (
          <p className="inline-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
