import { FormEvent, useState } from 'react';
import { createAccessToken, listAccessTokens, revokeAccessToken } from '../api/tokens';
import { AccessLevel, AccessToken, roleName } from '../api/types';
import { ScopePicker } from '../components/ScopePicker';
import { SecretOnce } from '../components/SecretOnce';
import { EmptyState, ErrorState, InlineError, Loading } from '../components/States';
import { formatDate } from '../components/format';
import { useAsync } from '../components/useAsync';
import { useProject } from './ProjectLayout';

const SCOPES: Array<[string, string]> = [
  ['api', 'full REST API'],
  ['read_api', 'read-only REST API'],
  ['read_registry', 'pull images'],
  ['write_registry', 'push images'],
];
const LEVELS = [AccessLevel.GUEST, AccessLevel.REPORTER, AccessLevel.DEVELOPER, AccessLevel.MAINTAINER, AccessLevel.OWNER];

/** Project access tokens: a bot member of the project with a role and scopes. */
export function AccessTokensPage() {
  const { project } = useProject();
  const list = useAsync(() => listAccessTokens(project.id), [project.id]);
  const [created, setCreated] = useState<AccessToken | null>(null);
  const [error, setError] = useState<unknown>(null);
  if (list.error) return <ErrorState error={list.error} onRetry={list.reload} />;
  const revoke = async (token: AccessToken) => {
    setError(null);
    try {
      await revokeAccessToken(project.id, token.id);
      list.reload();
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <>
      <h2>Project access tokens</h2>
      {created?.token && <SecretOnce title={`Access token ${created.name} created`} secret={created.token} onDismiss={() => setCreated(null)} />}
      <CreateAccessToken
        projectId={project.id}
        onCreated={(token) => {
          setCreated(token);
          list.reload();
        }}
      />
      <InlineError error={error} />
      {!list.data ? (
        <Loading />
      ) : list.data.items.length === 0 ? (
        <EmptyState title="No project access tokens" />
      ) : (
        <table className="list" aria-label="Project access tokens">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Scopes</th>
              <th scope="col">Expires</th>
              <th scope="col" className="hide-narrow">
                Last used
              </th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((token) => (
              <tr key={token.id}>
                <td>{token.name}</td>
                <td>{token.access_level ? roleName(token.access_level) : '—'}</td>
                <td>{token.scopes.join(', ')}</td>
                <td>{token.revoked ? 'revoked' : !token.active ? 'expired' : token.expires_at ? formatDate(token.expires_at) : 'never'}</td>
                <td className="hide-narrow">{formatDate(token.last_used_at)}</td>
                <td className="actions">
                  {token.active && (
                    <button type="button" className="danger small" onClick={() => void revoke(token)} aria-label={`Revoke access token ${token.name}`}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function defaultExpiry(): string {
  const date = new Date(Date.now() + 30 * 86_400_000);
  return date.toISOString().slice(0, 10);
}

function CreateAccessToken({ projectId, onCreated }: { projectId: number; onCreated: (token: AccessToken) => void }) {
  const [name, setName] = useState('');
  const [level, setLevel] = useState<number>(AccessLevel.REPORTER);
  const [expiresAt, setExpiresAt] = useState(defaultExpiry());
  const [scopes, setScopes] = useState<string[]>(['read_registry']);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onCreated(await createAccessToken(projectId, { name, scopes, access_level: level, expires_at: expiresAt }));
      setName('');
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <details className="create">
      <summary>Create a project access token</summary>
      <form className="form" onSubmit={submit}>
        <label htmlFor="at-name">Name</label>
        <input id="at-name" required value={name} onChange={(e) => setName(e.target.value)} />
        <label htmlFor="at-role">Role</label>
        <select id="at-role" value={level} onChange={(e) => setLevel(Number(e.target.value))}>
          {LEVELS.map((value) => (
            <option key={value} value={value}>
              {roleName(value)}
            </option>
          ))}
        </select>
        <label htmlFor="at-expires">Expires</label>
        <input id="at-expires" type="date" required value={expiresAt} onChange={(e) => setExpiresAt(e.target.value)} />
        <ScopePicker legend="Scopes" scopes={SCOPES} value={scopes} onChange={setScopes} />
        <InlineError error={error} />
        <button type="submit" className="primary" disabled={busy || scopes.length === 0}>
          Create access token
        </button>
      </form>
    </details>
  );
}
