import { get, getAll, isMissingEndpoint } from '../api/client';
import { getRepository, mapLimit } from '../api/registry';
import type { RegistryUsage, Repository } from '../api/types';
import { EmptyState, ErrorState, Loading, NotAvailable } from '../components/States';
import { formatBytes, projectHref } from '../components/format';
import { UsageBar } from '../components/UsageBar';
import { useAsync } from '../components/useAsync';
import { Link } from '../router';
import { DataTable } from '../components/DataTable';
import { useProject } from './ProjectLayout';

/** Storage used by the project's images, per repository (each repository's size counts shared layers once). */
export function UsagePage() {
  const { project } = useProject();
  const state = useAsync(async () => {
    const { items, truncated } = await getAll<Repository>(`/projects/${project.id}/registry/repositories`, { tags_count: true });
    const sized = await mapLimit(items, 4, (repo) => getRepository(repo.id).then((full) => ({ ...repo, ...full }), () => repo));
    const statistics = await get<RegistryUsage>(`/projects/${project.id}/registry/statistics`).catch(() => null);
    return { repositories: sized.sort((a, b) => (b.size ?? 0) - (a.size ?? 0)), truncated, registrySize: statistics?.container_registry_size };
  }, [project.id]);
  if (state.error) return isMissingEndpoint(state.error) ? <NotAvailable feature="Registry usage" /> : <ErrorState error={state.error} onRetry={state.reload} />;
  if (!state.data) return <Loading label="Measuring…" />;
  const { repositories } = state.data;
  const sum = repositories.reduce((total, repo) => total + (repo.size ?? 0), 0);
  const projectTotal = state.data.registrySize ?? project.statistics?.container_registry_size;
  const max = Math.max(1, ...repositories.map((r) => r.size ?? 0));
  return (
    <>
      <h2>Storage usage</h2>
      <UsageBar used={project.container_registry_size ?? projectTotal} limit={project.container_registry_storage_effective_limit} label="Project registry storage used of its limit" />
      <dl className="facts">
        <dt>Container registry</dt>
        <dd data-testid="usage-total">{formatBytes(projectTotal ?? sum)}</dd>
        <dt>Images</dt>
        <dd>{repositories.length}</dd>
        <dt>Tags</dt>
        <dd>{repositories.reduce((total, repo) => total + (repo.tags_count ?? 0), 0)}</dd>
      </dl>
      {projectTotal === undefined && <p className="sub">Total is the sum of the images' sizes: a layer shared by two images counts in each.</p>}
      <DataTable
        label="Usage per image"
        columns={[
          { header: 'Image', cell: (repo) => <Link href={projectHref(project.id, 'registry', repo.id)}>{repo.path}</Link> },
          { header: 'Tags', cell: (repo) => repo.tags_count ?? '—' },
          { header: 'Size', cell: (repo) => formatBytes(repo.size) },
          {
            header: 'Share',
            className: 'hide-narrow',
            cell: (repo) => <meter min={0} max={max} value={repo.size ?? 0} aria-label={`${repo.path} share of the largest image`} />,
          },
        ]}
        rows={repositories}
        rowKey={(repo) => repo.id}
        empty={<EmptyState title="No images, no storage used" />}
      />
    </>
  );
}
