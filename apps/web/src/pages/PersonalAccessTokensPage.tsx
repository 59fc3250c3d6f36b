import { FormEvent, useState } from 'react';
import { createPersonalAccessToken, listPersonalAccessTokens, revokePersonalAccessToken } from '../api/tokens';
import type { PersonalAccessToken } from '../api/types';
import { Breadcrumbs } from '../components/Layout';
import { ScopePicker } from '../components/ScopePicker';
import { SecretOnce } from '../components/SecretOnce';
import { ErrorState, InlineError } from '../components/States';
import { accessTokenColumns, TokenTable } from '../components/TokenTable';
import { useAction } from '../components/useAction';
import { useTokenList } from '../components/useTokenList';
import { useSession } from '../session-context';

const SCOPES: Array<[string, string]> = [
  ['read_registry', 'pull images (docker login)'],
  ['write_registry', 'push images'],
  ['read_api', 'read-only REST API'],
  ['api', 'full REST API'],
];

/** The signed-in user's personal access tokens (GitLab's User Settings > Access tokens): docker login and the API. */
export function PersonalAccessTokensPage() {
  const { user, scopes } = useSession();
  const { list, created, dismissCreated, onCreated, revoke, revokeError } = useTokenList(
    () => listPersonalAccessTokens(user.id),
    revokePersonalAccessToken,
    [user.id],
  );
  if (list.error) return <ErrorState error={list.error} onRetry={list.reload} />;
  return (
    <>
      <Breadcrumbs items={[{ label: user.username }, { label: 'Access tokens' }]} />
      <h1>Personal access tokens</h1>
      <p className="sub">
        Use one as the password of <code>docker login</code>, or in the <code>PRIVATE-TOKEN</code> header of the REST API. It acts as you, within its
        scopes.
      </p>
      {created?.token && (
        <SecretOnce title={`Personal access token ${created.name} created`} secret={created.token} username={user.username} onDismiss={dismissCreated} />
      )}
      {scopes === null ? (
        <CreatePersonalAccessToken onCreated={onCreated} />
      ) : (
        <p className="notice">You signed in with a token: sign in with your password to create personal access tokens.</p>
      )}
      <InlineError error={revokeError} />
      <TokenTable kind="personal access token" tokens={list.data?.items} columns={accessTokenColumns()} canRevoke={(token) => token.active} onRevoke={revoke} />
    </>
  );
}

function defaultExpiry(): string {
  return new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
}

function CreatePersonalAccessToken({ onCreated }: { onCreated: (token: PersonalAccessToken) => void }) {
  const [name, setName] = useState('');
  const [expiresAt, setExpiresAt] = useState(defaultExpiry());
  const [scopes, setScopes] = useState<string[]>(['read_registry', 'write_registry']);
  const { busy, error, run } = useAction();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      onCreated(await createPersonalAccessToken({ name, scopes, expires_at: expiresAt }));
      setName('');
    });
  };
  return (
    <details className="create" open>
      <summary>Create a personal access token</summary>
      <form className="form" onSubmit={submit}>
        <label htmlFor="pat-name">Name</label>
        <input id="pat-name" required value={name} onChange={(e) => setName(e.target.value)} />
        <label htmlFor="pat-expires">Expires</label>
        <input id="pat-expires" type="date" required value={expiresAt} onChange={(e) => setExpiresAt(e.target.value)} />
        <ScopePicker legend="Scopes" scopes={SCOPES} value={scopes} onChange={setScopes} />
        <InlineError error={error} />
        <button type="submit" className="primary" disabled={busy || scopes.length === 0}>
          Create personal access token
        </button>
      </form>
    </details>
  );
}
