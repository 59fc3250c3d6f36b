import { FormEvent, useState } from 'react';
import { createDeployToken, listDeployTokens, revokeDeployToken } from '../api/tokens';
import type { DeployToken } from '../api/types';
import { ScopePicker } from '../components/ScopePicker';
import { SecretOnce } from '../components/SecretOnce';
import { ErrorState, InlineError } from '../components/States';
import { expiryLabel, TokenTable } from '../components/TokenTable';
import { useAction } from '../components/useAction';
import { useTokenList } from '../components/useTokenList';
import { useProject } from './ProjectLayout';

const SCOPES: Array<[string, string]> = [
  ['read_registry', 'pull images'],
  ['write_registry', 'push images'],
];

export function DeployTokensPage() {
  const { project } = useProject();
  const { list, created, dismissCreated, onCreated, revoke, revokeError } = useTokenList(
    () => listDeployTokens(project.id),
    (tokenId) => revokeDeployToken(project.id, tokenId),
    [project.id],
  );
  if (list.error) return <ErrorState error={list.error} onRetry={list.reload} />;
  return (
    <>
      <h2>Deploy tokens</h2>
      <p className="sub">Credentials for machines (CI, clusters) to pull or push this project's images without a user.</p>
      {created?.token && <SecretOnce title={`Deploy token ${created.name} created`} secret={created.token} username={created.username} onDismiss={dismissCreated} />}
      <CreateDeployToken projectId={project.id} onCreated={onCreated} />
      <InlineError error={revokeError} />
      <TokenTable
        kind="deploy token"
        tokens={list.data?.items}
        columns={[
          { header: 'Username', cell: (token) => token.username, className: 'mono' },
          { header: 'Scopes', cell: (token) => token.scopes.join(', ') },
          { header: 'Expires', cell: (token) => expiryLabel(token, token.expired) },
        ]}
        canRevoke={(token) => !token.revoked}
        onRevoke={revoke}
      />
    </>
  );
}

function CreateDeployToken({ projectId, onCreated }: { projectId: number; onCreated: (token: DeployToken) => void }) {
  const [name, setName] = useState('');
  const [username, setUsername] = useState('');
  const [expiresAt, setExpiresAt] = useState('');
  const [scopes, setScopes] = useState<string[]>(['read_registry']);
  const { busy, error, run } = useAction();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      onCreated(await createDeployToken(projectId, { name, scopes, ...(username ? { username } : {}), ...(expiresAt ? { expires_at: expiresAt } : {}) }));
      setName('');
      setUsername('');
    });
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
