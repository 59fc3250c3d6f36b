import { FormEvent, useState } from 'react';
import type { Upstream, UpstreamInput } from '../api/virtual-registries';
import { FormActions } from '../components/FormActions';
import { useAction } from '../components/useAction';

interface Props {
  /** The upstream being edited, else a new one. */
  initial?: Upstream;
  idPrefix: string;
  submitLabel: string;
  onSubmit: (input: UpstreamInput) => Promise<void>;
  onCancel?: () => void;
}

type CredentialChoice = 'keep' | 'set' | 'none';

/**
 * An upstream's fields. Credentials are a user name and a password together or not at all (the API refuses one
 * alone); the stored password is never shown: an edit keeps the credentials unless told to replace or remove them.
 * What the server refuses (a private address, a duplicate URL, the limit) shows under the fields in its words.
 */
export function UpstreamForm({ initial, idPrefix, submitLabel, onSubmit, onCancel }: Props) {
  const [url, setUrl] = useState(initial?.url ?? '');
  const [name, setName] = useState(initial?.name ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [validity, setValidity] = useState(String(initial?.cache_validity_hours ?? 24));
  const [choice, setChoice] = useState<CredentialChoice>(initial ? 'keep' : 'none');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();
  const id = (field: string) => `${idPrefix}-${field}`;
  const hasCredentials = initial?.username !== null && initial?.username !== undefined;
  const urlChanged = initial !== undefined && url.trim() !== initial.url;
  const halfCredentials = choice === 'set' && (username === '') !== (password === '');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    // Sent only when they change: new ones, or null to remove the current ones.
    const credentials = choice === 'set' ? { username, password } : choice === 'none' && hasCredentials ? null : undefined;
    void run(() =>
      onSubmit({
        url: url.trim(),
        name: name.trim(),
        description,
        cache_validity_hours: Number(validity),
        credentials,
      }),
    );
  };

  return (
    <form className="form" onSubmit={submit} data-testid={`${idPrefix}-form`}>
      <label htmlFor={id('url')}>Upstream URL</label>
      <input id={id('url')} type="url" required maxLength={255} className="mono" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://registry-1.docker.io" />
      <label htmlFor={id('name')}>Upstream name</label>
      <input id={id('name')} required maxLength={255} value={name} onChange={(e) => setName(e.target.value)} />
      <label htmlFor={id('description')}>Upstream description</label>
      <input id={id('description')} maxLength={1024} value={description} onChange={(e) => setDescription(e.target.value)} />
      <label htmlFor={id('validity')}>Cache validity (hours)</label>
      <input id={id('validity')} type="number" min={0} max={8760} required value={validity} onChange={(e) => setValidity(e.target.value)} aria-describedby={id('validity-help')} />
      <p className="hint" id={id('validity-help')}>
        A cached tag is checked against the upstream (one HEAD request) once it is older than this; 0 checks on every pull. Digests never change and are not checked.
      </p>
      <fieldset>
        <legend>Upstream credentials</legend>
        {initial && (
          <label className="check">
            <input type="radio" name={id('credentials')} checked={choice === 'keep'} onChange={() => setChoice('keep')} />{' '}
            {hasCredentials ? `Keep the current ones (user ${initial.username}, password set)` : 'Keep none'}
          </label>
        )}
        <label className="check">
          <input type="radio" name={id('credentials')} checked={choice === 'none'} onChange={() => setChoice('none')} /> {initial && hasCredentials ? 'Remove them' : 'Anonymous access'}
        </label>
        <label className="check">
          <input type="radio" name={id('credentials')} checked={choice === 'set'} onChange={() => setChoice('set')} /> {hasCredentials ? 'Replace them' : 'A user name and password'}
        </label>
        {choice === 'set' && (
          <>
            <label htmlFor={id('username')}>Upstream username</label>
            <input id={id('username')} autoComplete="off" value={username} onChange={(e) => setUsername(e.target.value)} />
            <label htmlFor={id('password')}>Upstream password</label>
            <input id={id('password')} type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
            <p className="hint">Stored encrypted and never shown again.</p>
          </>
        )}
        {halfCredentials && <p className="hint">Give both the user name and the password, or neither.</p>}
        {urlChanged && choice === 'keep' && hasCredentials && <p className="hint">A new URL drops the current credentials (they were meant for the old host).</p>}
      </fieldset>
      <FormActions error={error} busy={busy} submitLabel={submitLabel} disabled={halfCredentials} onCancel={onCancel} />
    </form>
  );
}
