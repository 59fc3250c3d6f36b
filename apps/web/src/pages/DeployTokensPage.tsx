import { FormEvent, useState } from 'react';
import { createDeployToken, listDeployTokens, revokeDeployToken } from '../api/tokens';
import type { DeployToken } from '../api/types';
import { ScopePicker } from '../components/ScopePicker';
import { SecretOnce } from '../components/SecretOnce';
import { EmptyState, ErrorState, InlineError, Loading } from '../components/States';
import { formatDate } from '../components/format';
import { useAsync } from '../components/useAsync';
import { useProject } from './ProjectLayout';

const SCOPES: Array<[string, string]> = [
  ['read_registry', 'pull images'],
  ['write_registry', 'push images'],
];

export function DeployTokensPage() {
  const { project } = useProject();
  const list = useAsync(() => listDeployTokens(project.id), [project.id]);
  const [created, setCreated] = useState<DeployToken | null>(null);
  const [error, setError] = useState<unknown>(null);

  if (list.error) return <ErrorState error={list.error} onRetry={list.reload} />;
  const revoke = async (token: DeployToken) => {
    setError(null);
    try {
      await revokeDeployToken(project.id, token.id);
      list.reload();
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <>
      <h2>Deploy tokens</h2>
      <p className="sub">Credentials for machines (CI, clusters) to pull or push this project's images without a user.</p>
      {created?.token && <SecretOnce title={`Deploy token ${created.name} created`} secret={created.token} username={created.username} onDismiss={() => setCreated(null)} />}
      <CreateDeployToken
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
        <EmptyState title="No deploy tokens" />
      ) : (
        <table className="list" aria-label="Deploy tokens">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Username</th>
              <th scope="col">Scopes</th>
              <th scope="col">Expires</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((token) => (
              <tr key={token.id}>
                <td>{token.name}</td>
                <td className="mono">{token.username}</td>
                <td>{token.scopes.join(', ')}</td>
                <td>{token.revoked ? 'revoked' : token.expired ? 'expired' : token.expires_at ? formatDate(token.expires_at) : 'never'}</td>
                <td className="actions">
                  {!token.revoked && (
                    <button type="button" className="danger small" onClick={() => void revoke(token)} aria-label={`Revoke deploy token ${token.name}`}>
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

function CreateDeployToken({ projectId, onCreated }: { projectId: number; onCreated: (token: DeployToken) => void }) {
  const [name, setName] = useState('');
  const [username, setUsername] = useState('');
  const [expiresAt, setExpiresAt] = useState('');
  const [scopes, setScopes] = useState<string[]>(['read_registry']);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onCreated(await createDeployToken(projectId, { name, scopes, ...(username ? { username } : {}), ...(expiresAt ? { expires_at: expiresAt } : {}) }));
      setName('');
      setUsername('');
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <details className="create">
      <summary>Create a deploy token</summary>
      <form className="form" onSubmit={submit}>
        <label htmlFor="dt-name">Name</label>
        <input id="dt-name" required value={name} onChange={(e) => setName(e.target.value)} />
        <label htmlFor="dt-username">Username (optional)</label>
        <input id="dt-username" value={username} onChange={(e) => setUsername(e.target.value)} />
        <label htmlFor="dt-expires">Expires (optional)</label>
        <input id="dt-expires" type="date" value={expiresAt} onChange={(e) => setExpiresAt(e.target.value)} />
        <ScopePicker legend="Scopes" scopes={SCOPES} value={scopes} onChange={setScopes} />
        <InlineError error={error} />
        <button type="submit" className="primary" disabled={busy || scopes.length === 0}>
          Create deploy token
        </button>
      </form>
    </details>
  );
}
