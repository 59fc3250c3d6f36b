import { getAll, isMissingEndpoint } from '../api/client';
import { getRepository, listRepositories, mapLimit } from '../api/registry';
import type { Repository } from '../api/types';
import { CopyField } from '../components/CopyButton';
import { Pagination } from '../components/Pagination';
import { SearchBox } from '../components/SearchBox';
import { EmptyState, ErrorState, Loading, NotAvailable } from '../components/States';
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
      totalPages = Math.max(1, Math.ceil(matches.length / 20));
      items = matches.slice((page - 1) * 20, page * 20);
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
      ) : !state.data ? (
        <Loading label="Loading images…" />
      ) : state.data.items.length === 0 ? (
        term ? (
          <EmptyState title="No image matches your search" />
        ) : (
          <EmptyState title="There are no container images in this project yet">
            <p>Push one with:</p>
            <CopyField value={`docker push ${prefix}/image:tag`} label="push command" />
          </EmptyState>
        )
      ) : (
        <>
          <RepositoryTable repositories={state.data.items} projectId={project.id} />
          <Pagination label="Image pages" page={page} totalPages={state.data.totalPages ?? 1} onPage={(next) => setQuery({ page: next })} />
        </>
      )}
    </>
  );
}

function RepositoryTable({ repositories, projectId }: { repositories: Repository[]; projectId: number }) {
  return (
    <table className="list" aria-label="Images" data-testid="repositories">
      <thead>
        <tr>
          <th scope="col">Image</th>
          <th scope="col">Tags</th>
          <th scope="col">Size</th>
          <th scope="col" className="hide-narrow">
            Created
          </th>
        </tr>
      </thead>
      <tbody>
        {repositories.map((repo) => (
          <tr key={repo.id}>
            <td>
              <Link href={projectHref(projectId, 'registry', repo.id)} data-testid="repository-link">
                {repo.path}
              </Link>
              {repo.status && <span className="badge warning">{repo.status.replace(/_/g, ' ')}</span>}
              <div className="sub mono">{repo.location}</div>
            </td>
            <td>{repo.tags_count ?? '—'}</td>
            <td>{formatBytes(repo.size)}</td>
            <td className="hide-narrow">{formatDate(repo.created_at)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
