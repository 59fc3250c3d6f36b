import { FormEvent, useState } from 'react';
import { createAccessToken, listAccessTokens, revokeAccessToken } from '../api/tokens';
import { AccessLevel, AccessToken, roleName } from '../api/types';
import { ScopePicker } from '../components/ScopePicker';
import { SecretOnce } from '../components/SecretOnce';
import { ErrorState, InlineError } from '../components/States';
import { accessTokenColumns, TokenTable } from '../components/TokenTable';
import { useAction } from '../components/useAction';
import { useTokenList } from '../components/useTokenList';
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
  const { list, created, dismissCreated, onCreated, revoke, revokeError } = useTokenList(
    () => listAccessTokens(project.id),
    (tokenId) => revokeAccessToken(project.id, tokenId),
    [project.id],
  );
  if (list.error) return <ErrorState error={list.error} onRetry={list.reload} />;
  return (
    <>
      <h2>Project access tokens</h2>
      {created?.token && <SecretOnce title={`Access token ${created.name} created`} secret={created.token} onDismiss={dismissCreated} />}
      <CreateAccessToken projectId={project.id} onCreated={onCreated} />
      <InlineError error={revokeError} />
      <TokenTable
        kind="access token"
        label="Project access tokens"
        tokens={list.data?.items}
        columns={[{ header: 'Role', cell: (token) => (token.access_level ? roleName(token.access_level) : '—') }, ...accessTokenColumns<AccessToken>()]}
        canRevoke={(token) => token.active}
        onRevoke={revoke}
      />
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
  const { busy, error, run } = useAction();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      onCreated(await createAccessToken(projectId, { name, scopes, access_level: level, expires_at: expiresAt }));
      setName('');
    });
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
