import { useState } from 'react';
import { getPage, isMissingEndpoint, post } from '../api/client';
import type { CleanupRun } from '../api/types';
import { Column, DataTable } from '../components/DataTable';
import { InlineError } from '../components/States';
import { formatDate } from '../components/format';
import { useAsync } from '../components/useAsync';


/** Recent runs of the project's cleanup policy, and (for Maintainers) running it now. */
export function CleanupRuns({ projectId, canRun }: { projectId: number; canRun: boolean }) {
  const runs = useAsync(() => getPage<CleanupRun>(`/projects/${projectId}/registry/cleanup_policy/runs`), [projectId]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (runs.error && isMissingEndpoint(runs.error)) return null;
  const runNow = async () => {
    setBusy(true);
    setError(null);
    try {
      await post(`/projects/${projectId}/registry/cleanup_policy/runs`);
      runs.reload();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="runs-title">
      <div className="section-head">
        <h3 id="runs-title">Runs</h3>
        {canRun && (
          <button type="button" onClick={runNow} disabled={busy}>
            {busy ? 'Starting…' : 'Run now'}
          </button>
        )}
      </div>
      <InlineError error={error ?? runs.error} />
      {!(runs.error && !runs.data) && (
        <DataTable
          label="Runs"
          labelledBy="runs-title"
          columns={RUN_COLUMNS}
          rows={runs.data?.items.slice(0, 10)}
          rowKey={(run) => run.id}
          empty={<p className="sub">The policy has not run yet.</p>}
        />
      )}
    </section>
  );
}

const RUN_COLUMNS: Array<Column<CleanupRun>> = [
  { header: 'Scheduled', cell: (run) => formatDate(run.scheduled_at) },
  { header: 'Trigger', cell: (run) => run.trigger },
  {
    header: 'Status',
    cell: (run) => (
      <>
        {run.status}
        {run.error && <div className="sub">{run.error}</div>}
      </>
    ),
  },
  { header: 'Tags deleted', cell: (run) => run.deleted_tags_count },
  { header: 'Finished', className: 'hide-narrow', cell: (run) => formatDate(run.finished_at) },
];
