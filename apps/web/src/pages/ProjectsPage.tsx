import { listProjects } from '../api/projects';
import type { Project } from '../api/types';
import { Column, DataTable } from '../components/DataTable';
import { SearchBox } from '../components/SearchBox';
import { EmptyState, ErrorState } from '../components/States';
import { formatDate, projectHref } from '../components/format';
import { useAsync } from '../components/useAsync';
import { Link, setQuery, useLocation } from '../router';

/** Projects the user is a member of (or, with "all", every project visible to them). */
export function ProjectsPage() {
  const { search } = useLocation();
  const term = search.get('search') ?? '';
  const page = Number(search.get('page') ?? '1') || 1;
  const scope = search.get('scope') === 'all' ? 'all' : 'member';
  const state = useAsync(() => listProjects({ search: term, page, per_page: 20, membership: scope === 'member' ? true : undefined }), [term, page, scope]);

  return (
    <>
      <h1>Projects</h1>
      <div className="toolbar">
        <SearchBox label="Search projects" value={term} onSearch={(value) => setQuery({ search: value, page: null })} />
        <div className="segmented-links" role="group" aria-label="Which projects">
          <button type="button" aria-pressed={scope === 'member'} onClick={() => setQuery({ scope: null, page: null })}>
            Yours
          </button>
          <button type="button" aria-pressed={scope === 'all'} onClick={() => setQuery({ scope: 'all', page: null })}>
            All visible
          </button>
        </div>
      </div>
      {state.error ? (
        <ErrorState error={state.error} onRetry={state.reload} />
      ) : (
        <DataTable
          label="Projects"
          columns={PROJECT_COLUMNS}
          rows={state.data?.items}
          rowKey={(project) => project.id}
          loadingLabel="Loading projects…"
          empty={
            <EmptyState title={term ? 'No project matches your search' : 'No projects yet'}>
              <p>{term ? 'Try another name.' : 'Projects you are a member of appear here. Create one with the REST API (POST /api/v4/projects).'}</p>
            </EmptyState>
          }
          pages={{ label: 'Projects pages', page, totalPages: state.data?.totalPages ?? 1, onPage: (next) => setQuery({ page: next }) }}
        />
      )}
    </>
  );
}

const PROJECT_COLUMNS: Array<Column<Project>> = [
  {
    header: 'Project',
    cell: (project) => (
      <>
        <Link href={projectHref(project.id, 'registry')}>{project.name_with_namespace}</Link>
        {project.description && <div className="sub">{project.description}</div>}
      </>
    ),
  },
  { header: 'Visibility', cell: (project) => <span className={`badge ${project.visibility}`}>{project.visibility}</span> },
  { header: 'Created', className: 'hide-narrow', cell: (project) => formatDate(project.created_at) },
];
