import { useState } from 'react';
import { isMissingEndpoint } from '../api/client';
import { listHookEvents, listHooks } from '../api/tokens';
import type { Webhook, WebhookDelivery } from '../api/types';
import { Column, DataTable } from '../components/DataTable';
import { EmptyState, ErrorState, Loading, NotAvailable } from '../components/States';
import { formatDate } from '../components/format';
import { useAsync } from '../components/useAsync';
import { useProject } from './ProjectLayout';

/** The project's webhooks and each one's recent deliveries (GitLab's /hooks and /hooks/:id/events). */
export function WebhooksPage() {
  const { project } = useProject();
  const hooks = useAsync(() => listHooks(project.id), [project.id]);
  if (hooks.error) return isMissingEndpoint(hooks.error) ? <NotAvailable feature="Webhooks" /> : <ErrorState error={hooks.error} onRetry={hooks.reload} />;
  if (!hooks.data) return <Loading label="Loading webhooks…" />;
  return (
    <>
      <h2>Webhooks</h2>
      {hooks.data.items.length === 0 ? (
        <EmptyState title="No webhooks">
          <p>Add one with the REST API: POST /api/v4/projects/{project.id}/hooks.</p>
        </EmptyState>
      ) : (
        <ul className="plain-list hooks">
          {hooks.data.items.map((hook) => (
            <HookItem key={hook.id} projectId={project.id} hook={hook} />
          ))}
        </ul>
      )}
    </>
  );
}

function events(hook: Webhook): string[] {
  return Object.entries(hook)
    .filter(([key, value]) => key.endsWith('_events') && value === true)
    .map(([key]) => key.replace(/_events$/, '').replace(/_/g, ' '));
}

function HookItem({ projectId, hook }: { projectId: number; hook: Webhook }) {
  const [open, setOpen] = useState(false);
  return (
    <li className="card">
      <div className="section-head">
        <div>
          <strong className="mono">{hook.url}</strong>
          <div className="sub">Events: {events(hook).join(', ') || 'none'}</div>
        </div>
        <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? 'Hide deliveries' : 'Show deliveries'}
        </button>
      </div>
      {open && <Deliveries projectId={projectId} hookId={hook.id} />}
    </li>
  );
}

function Deliveries({ projectId, hookId }: { projectId: number; hookId: number }) {
  const log = useAsync(() => listHookEvents(projectId, hookId), [projectId, hookId]);
  if (log.error) return isMissingEndpoint(log.error) ? <NotAvailable feature="The delivery log" /> : <ErrorState error={log.error} onRetry={log.reload} />;
  return (
    <DataTable
      label="Deliveries"
      columns={DELIVERY_COLUMNS}
      rows={log.data?.items}
      rowKey={(delivery) => delivery.id}
      loadingLabel="Loading deliveries…"
      empty={<p className="sub">No deliveries yet.</p>}
    />
  );
}

const DELIVERY_COLUMNS: Array<Column<WebhookDelivery>> = [
  { header: 'When', cell: (delivery) => formatDate(delivery.created_at) },
  { header: 'Event', cell: (delivery) => delivery.event_name },
  {
    header: 'Status',
    cell: (delivery) => {
      const status = Number(delivery.response_status);
      return (
        <>
          <span className={`badge ${status >= 200 && status < 300 ? 'ok' : 'warning'}`}>{delivery.response_status ?? delivery.status}</span>
          {delivery.last_error && <div className="sub">{delivery.last_error}</div>}
        </>
      );
    },
  },
  { header: 'Duration', cell: (delivery) => (delivery.execution_duration != null ? `${Math.round(delivery.execution_duration * 1000)} ms` : '—') },
];
