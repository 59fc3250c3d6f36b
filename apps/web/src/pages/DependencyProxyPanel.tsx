import { FormEvent, useState } from 'react';
import { DependencyProxySettings, purgeDependencyProxy, updateDependencyProxy } from '../api/virtual-registries';
import { ConfirmPanel } from '../components/ConfirmPanel';
import { CopyField } from '../components/CopyButton';
import { formatBytes } from '../components/format';
import { InlineError } from '../components/States';
import { useAction } from '../components/useAction';

interface Props {
  groupId: number;
  settings: DependencyProxySettings;
  /** Why the caller may not change the settings (Maintainer+), and why not purge (Owner), else null. */
  refusal: string | null;
  purgeRefusal: string | null;
  onChanged: () => void;
}

/** The group dependency proxy (Docker Hub through `<host>/<group>/dependency_proxy/containers/`): on or off, its image TTL policy, a purge. */
export function DependencyProxyPanel({ groupId, settings, refusal, purgeRefusal, onChanged }: Props) {
  const [enabled, setEnabled] = useState(settings.enabled);
  const [ttlEnabled, setTtlEnabled] = useState(settings.image_ttl_policy.enabled);
  const [ttl, setTtl] = useState(String(settings.image_ttl_policy.ttl));
  const [purging, setPurging] = useState(false);
  const save = useAction();
  const purge = useAction();
  const readOnly = refusal !== null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save.run(async () => {
      await updateDependencyProxy(groupId, { enabled, ttlEnabled, ttl: Number(ttl) });
      onChanged();
    });
  };
  const confirmPurge = () =>
    void purge.run(async () => {
      setPurging(false);
      await purgeDependencyProxy(groupId);
      onChanged();
    });

  return (
    <section aria-labelledby="dependency-proxy-title" data-testid="dependency-proxy">
      <h2 id="dependency-proxy-title">Dependency proxy</h2>
      <p className="sub">
        Docker Hub images through this server: <code>library/</code> is added to one-segment names. Pull-through caches of the group use{' '}
        <strong data-testid="cache-size">{formatBytes(settings.total_size_bytes)}</strong>.
      </p>
      <CopyField value={`docker pull ${settings.image_prefix}/alpine:latest`} label="dependency proxy pull command" testId="dependency-proxy-pull" />
      <p data-testid="dependency-proxy-state">
        {settings.enabled ? 'Enabled' : 'Disabled'}
        {'; '}
        {settings.image_ttl_policy.enabled ? `images not pulled for ${settings.image_ttl_policy.ttl} days are removed` : 'cached images are kept until purged'}
        {settings.identity ? `; Docker Hub user ${settings.identity}` : ''}.
      </p>
      {readOnly && <p className="hint">{refusal}</p>}
      <form className="form" onSubmit={submit} data-testid="dependency-proxy-form">
        <fieldset disabled={readOnly} title={refusal ?? undefined}>
          <label className="check">
            <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Enable the dependency proxy
          </label>
          <label className="check">
            <input type="checkbox" checked={ttlEnabled} onChange={(e) => setTtlEnabled(e.target.checked)} /> Remove images not pulled for a number of days
          </label>
          <label htmlFor="dependency-proxy-ttl">Days</label>
          <input id="dependency-proxy-ttl" type="number" min={1} max={365} required value={ttl} disabled={!ttlEnabled} onChange={(e) => setTtl(e.target.value)} />
          <InlineError error={save.error} />
          <div className="form-actions">
            <button type="submit" className="primary" disabled={save.busy}>
              Save dependency proxy settings
            </button>
            <button type="button" className="danger" disabled={purgeRefusal !== null || purge.busy} title={purgeRefusal ?? undefined} onClick={() => setPurging(true)}>
              Purge dependency proxy cache
            </button>
          </div>
        </fieldset>
      </form>
      <InlineError error={purge.error} />
      {purging && (
        <ConfirmPanel
          title="Purge the dependency proxy cache?"
          detail="Every image cached from Docker Hub goes; the next pulls fetch them again."
          busy={purge.busy}
          onConfirm={confirmPurge}
          onCancel={() => setPurging(false)}
        />
      )}
    </section>
  );
}
