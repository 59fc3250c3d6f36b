import { getAll, isMissingEndpoint } from '../api/client';
import { getRepository, listRepositories, mapLimit } from '../api/registry';
import type { Repository } from '../api/types';
import { CopyField } from '../components/CopyButton';
import { Column, DataTable, pageOf } from '../components/DataTable';
import { SearchBox } from '../components/SearchBox';
import { EmptyState, ErrorState, NotAvailable } from '../components/States';
import { formatBytes, formatDate, projectHref } from '../components/format';
import { useAsync } from '../components/useAsync';
import { Link, setQuery, useLocation } from '../router';
import { useProject } from './ProjectLayout';

/** The project's image repositories with tag counts and (deduplicated) sizes. */
export function RegistryPage() {
  const { project } = useProject();
  const { search } = useLocation();
  const term = search.get('search') ?? '';
  const page = Number(search.get('page') ?? '1') || 1;
  const state = useAsync(async () => {
    let items: Repository[];
    let totalPages: number;
    if (term) {
      // The project listing has no search parameter: filter the whole list here, then page it.
      const all = await getAll<Repository>(`/projects/${project.id}/registry/repositories`, { tags_count: true });
      const matches = all.items.filter((r) => r.path.toLowerCase().includes(term.toLowerCase()));
      ({ rows: items, totalPages } = pageOf(matches, page, 20));
    } else {
      const result = await listRepositories(project.id, { page, per_page: 20 });
      items = result.items;
      totalPages = result.totalPages ?? 1;
    }
    const detailed = await mapLimit(items, 4, (repo) => getRepository(repo.id).then((full) => ({ ...repo, ...full }), () => repo));
    return { items: detailed, totalPages };
  }, [project.id, term, page]);

  const prefix = project.container_registry_image_prefix ?? project.path_with_namespace;
  return (
    <>
      <div className="section-head">
        <h2>Container registry</h2>
        <SearchBox label="Search images" placeholder="Filter by image name" value={term} onSearch={(value) => setQuery({ search: value, page: null })} />
      </div>
      {state.error ? (
        isMissingEndpoint(state.error) ? (
          <NotAvailable feature="The registry management API" />
        ) : (
          <ErrorState error={state.error} onRetry={state.reload} />
        )
      ) : (
        <DataTable
          label="Images"
          testId="repositories"
          columns={repositoryColumns(project.id)}
          rows={state.data?.items}
          rowKey={(repo) => repo.id}
          loadingLabel="Loading images…"
          empty={
            term ? (
              <EmptyState title="No image matches your search" />
            ) : (
              <EmptyState title="There are no container images in this project yet">
                <p>Push one with:</p>
                <CopyField value={`docker push ${prefix}/image:tag`} label="push command" />
              </EmptyState>
            )
          }
          pages={{ label: 'Image pages', page, totalPages: state.data?.totalPages ?? 1, onPage: (next) => setQuery({ page: next }) }}
        />
      )}
    </>
  );
}

function repositoryColumns(projectId: number): Array<Column<Repository>> {
  return [
    {
      header: 'Image',
      cell: (repo) => (
        <>
          <Link href={projectHref(projectId, 'registry', repo.id)} data-testid="repository-link">
            {repo.path}
          </Link>
          {repo.status && <span className="badge warning">{repo.status.replace(/_/g, ' ')}</span>}
          <div className="sub mono">{repo.location}</div>
        </>
      ),
    },
    { header: 'Tags', cell: (repo) => repo.tags_count ?? '—' },
    { header: 'Size', cell: (repo) => formatBytes(repo.size) },
    { header: 'Created', className: 'hide-narrow', cell: (repo) => formatDate(repo.created_at) },
  ];
}
