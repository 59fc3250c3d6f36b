import { useState } from 'react';
import { getPage, isMissingEndpoint, post } from '../api/client';
import type { CleanupRun } from '../api/types';
import { InlineError, Loading } from '../components/States';
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
      {!runs.data ? (
        !runs.error && <Loading />
      ) : runs.data.items.length === 0 ? (
        <p className="sub">The policy has not run yet.</p>
      ) : (
        <table className="list" aria-labelledby="runs-title">
          <thead>
            <tr>
              <th scope="col">Scheduled</th>
              <th scope="col">Trigger</th>
              <th scope="col">Status</th>
              <th scope="col">Tags deleted</th>
              <th scope="col" className="hide-narrow">
                Finished
              </th>
            </tr>
          </thead>
          <tbody>
            {runs.data.items.slice(0, 10).map((run) => (
              <tr key={run.id}>
                <td>{formatDate(run.scheduled_at)}</td>
                <td>{run.trigger}</td>
                <td>
                  {run.status}
                  {run.error && <div className="sub">{run.error}</div>}
                </td>
                <td>{run.deleted_tags_count}</td>
                <td className="hide-narrow">{formatDate(run.finished_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
