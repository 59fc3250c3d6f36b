import { useState } from 'react';
import {
  createUpstream,
  deleteRegistry,
  deleteUpstream,
  listRegistryUpstreams,
  moveUpstream,
  purgeRegistryCache,
  RegistryUpstream,
  updateRegistry,
  updateUpstream,
  VirtualRegistry,
} from '../api/virtual-registries';
import { ConfirmPanel } from '../components/ConfirmPanel';
import { CopyField } from '../components/CopyButton';
import { DataTable } from '../components/DataTable';
import { ErrorState, InlineError } from '../components/States';
import { useAction } from '../components/useAction';
import { useAsync } from '../components/useAsync';
import { CacheEntriesTable } from './CacheEntriesTable';
import { UpstreamForm } from './UpstreamForm';
import { RegistryForm } from './VirtualRegistryForm';

/** GitLab's limit of upstreams per registry (the API answers 400 beyond it). */
export const MAX_UPSTREAMS = 5;

type Confirming = { kind: 'registry' } | { kind: 'purge' } | { kind: 'upstream'; upstream: RegistryUpstream };

interface Props {
  registry: VirtualRegistry;
  /** host[:port] of the registry API, as clients address it. */
  host: string;
  /** Why the caller may not change anything here, else null. */
  refusal: string | null;
  onChanged: () => void;
}

/** One virtual registry: how to pull through it, its upstreams in the order they are tried, and what it has cached. */
export function VirtualRegistrySection({ registry, host, refusal, onChanged }: Props) {
  const upstreams = useAsync(() => listRegistryUpstreams(registry.id), [registry.id]);
  // Bumped after every change that can touch the cache (an upstream removed, a purge), so the entries reload.
  const [version, setVersion] = useState(0);
  const [editingRegistry, setEditingRegistry] = useState(false);
  const [editing, setEditing] = useState<RegistryUpstream | null>(null);
  const [confirming, setConfirming] = useState<Confirming | null>(null);
  const [added, setAdded] = useState(0);
  const action = useAction();
  const rows = upstreams.data;
  const full = (rows?.length ?? 0) >= MAX_UPSTREAMS;
  const headingId = `registry-${registry.id}-title`;
  const changed = () => {
    upstreams.reload();
    setVersion((v) => v + 1);
  };

  const move = (upstream: RegistryUpstream, by: number) =>
    void action.run(async () => {
      await moveUpstream(upstream.registry_upstream.id, upstream.registry_upstream.position + by);
      upstreams.reload();
    });

  const confirm = () =>
    void action.run(async () => {
      const what = confirming!;
      setConfirming(null);
      if (what.kind === 'registry') {
        await deleteRegistry(registry.id);
        onChanged();
        return;
      }
      if (what.kind === 'purge') await purgeRegistryCache(registry.id);
      else await deleteUpstream(what.upstream.id);
      changed();
    });

  const manageButton = (label: string, ariaLabel: string, onClick: () => void, danger = false, extraDisabled = false) => (
    <button type="button" className={danger ? 'danger small' : 'small'} disabled={refusal !== null || extraDisabled || action.busy} title={refusal ?? undefined} onClick={onClick} aria-label={ariaLabel}>
      {label}
    </button>
  );

  return (
    <section className="edit-panel" aria-labelledby={headingId} data-testid={`registry-${registry.name}`}>
      <h3 id={headingId}>{registry.name}</h3>
      {registry.description && <p className="sub">{registry.description}</p>}
      <p className="hint">Pull through it (a Guest of the group or above, or a group deploy or access token with read_registry or read_virtual_registry):</p>
      <CopyField value={`docker pull ${host}/virtual_registries/container/${registry.id}/<image>:<tag>`} label={`pull command of ${registry.name}`} testId="pull-command" />
      <p className="form-actions">
        {manageButton('Edit', `Edit registry ${registry.name}`, () => setEditingRegistry(true))}
        {manageButton('Purge cache', `Purge the cache of ${registry.name}`, () => setConfirming({ kind: 'purge' }), true)}
        {manageButton('Delete', `Delete registry ${registry.name}`, () => setConfirming({ kind: 'registry' }), true)}
      </p>
      {editingRegistry && (
        <RegistryForm
          idPrefix={`registry-${registry.id}-edit`}
          initial={registry}
          submitLabel="Save registry"
          onCancel={() => setEditingRegistry(false)}
          onSubmit={async (input) => {
            await updateRegistry(registry.id, input);
            setEditingRegistry(false);
            onChanged();
          }}
        />
      )}

      <h4>Upstreams</h4>
      <p className="hint">Tried in this order for every pull; the first that has the image serves it.</p>
      {upstreams.error ? (
        <ErrorState error={upstreams.error} onRetry={upstreams.reload} />
      ) : (
        <DataTable<RegistryUpstream>
          label={`Upstreams of ${registry.name}`}
          testId={`registry-${registry.id}-upstreams`}
          rows={rows}
          rowKey={(row) => row.id}
          rowTestId={(row) => `upstream-${row.name}`}
          loadingLabel="Loading upstreams…"
          empty={<p className="hint">No upstreams yet: pulls answer 404 until one is added.</p>}
          columns={[
            { header: 'Position', testId: 'upstream-position', cell: (row) => row.registry_upstream.position },
            {
              header: 'Name',
              testId: 'upstream-name',
              cell: (row) => (
                <>
                  {row.name}
                  {row.description && <div className="hint">{row.description}</div>}
                </>
              ),
            },
            { header: 'URL', className: 'mono', testId: 'upstream-url', cell: (row) => row.url },
            { header: 'Cache validity', testId: 'upstream-validity', cell: (row) => `${row.cache_validity_hours} h` },
            { header: 'Credentials', testId: 'upstream-credentials', cell: (row) => (row.username === null ? 'None' : `${row.username}, password set`) },
            {
              header: 'Actions',
              hideHeader: true,
              className: 'actions',
              cell: (row) => (
                <>
                  {manageButton('Up', `Move ${row.name} up`, () => move(row, -1), false, row.registry_upstream.position === 1)}{' '}
                  {manageButton('Down', `Move ${row.name} down`, () => move(row, 1), false, row.registry_upstream.position === rows!.length)}{' '}
                  {manageButton('Edit', `Edit upstream ${row.name}`, () => setEditing(row))}{' '}
                  {manageButton('Remove', `Remove upstream ${row.name}`, () => setConfirming({ kind: 'upstream', upstream: row }), true)}
                </>
              ),
            },
          ]}
        />
      )}
      <InlineError error={action.error} />
      {confirming && (
        <ConfirmPanel
          title={
            confirming.kind === 'registry'
              ? `Delete the registry ${registry.name}?`
              : confirming.kind === 'purge'
                ? `Purge the cache of ${registry.name}?`
                : `Remove the upstream ${confirming.upstream.name}?`
          }
          detail={
            confirming.kind === 'upstream'
              ? 'Its cached images go with it; the upstreams after it move up.'
              : confirming.kind === 'purge'
                ? 'Every cached image of the upstreams only this registry uses goes; the next pulls fetch them again.'
                : 'Its upstreams that no other registry uses go with it, with their cache.'
          }
          busy={action.busy}
          onConfirm={confirm}
          onCancel={() => setConfirming(null)}
        />
      )}
      {editing && (
        <div className="edit-panel">
          <h4>Edit upstream {editing.name}</h4>
          <UpstreamForm
            key={editing.id}
            idPrefix={`upstream-${editing.id}-edit`}
            initial={editing}
            submitLabel="Save upstream"
            onCancel={() => setEditing(null)}
            onSubmit={async (input) => {
              await updateUpstream(editing.id, input);
              setEditing(null);
              changed();
            }}
          />
        </div>
      )}
      {refusal === null &&
        rows &&
        (full ? (
          <p className="notice" data-testid="upstream-limit">
            This registry has the most upstreams allowed ({MAX_UPSTREAMS}). Remove one to add another.
          </p>
        ) : (
          <details className="create">
            <summary>Add an upstream to {registry.name}</summary>
            <UpstreamForm
              key={added}
              idPrefix={`registry-${registry.id}-upstream-new`}
              submitLabel="Add upstream"
              onSubmit={async (input) => {
                await createUpstream(registry.id, input);
                setAdded((n) => n + 1);
                changed();
              }}
            />
          </details>
        ))}
      {rows && <CacheEntriesTable registryId={registry.id} upstreams={rows} version={version} refusal={refusal} />}
    </section>
  );
}
