import { listGroups } from '../api/projects';
import type { Group } from '../api/types';
import { Column, DataTable } from '../components/DataTable';
import { SearchBox } from '../components/SearchBox';
import { EmptyState, ErrorState } from '../components/States';
import { groupHref } from '../components/format';
import { useAsync } from '../components/useAsync';
import { Link, setQuery, useLocation } from '../router';

export function GroupsPage() {
  const { search } = useLocation();
  const term = search.get('search') ?? '';
  const page = Number(search.get('page') ?? '1') || 1;
  const state = useAsync(() => listGroups({ search: term, page, per_page: 20 }), [term, page]);
  return (
    <>
      <h1>Groups</h1>
      <div className="toolbar">
        <SearchBox label="Search groups" value={term} onSearch={(value) => setQuery({ search: value, page: null })} />
      </div>
      {state.error ? (
        <ErrorState error={state.error} onRetry={state.reload} />
      ) : (
        <DataTable
          label="Groups"
          columns={GROUP_COLUMNS}
          rows={state.data?.items}
          rowKey={(group) => group.id}
          loadingLabel="Loading groups…"
          empty={<EmptyState title={term ? 'No group matches your search' : 'No groups you can see'} />}
          pages={{ label: 'Groups pages', page, totalPages: state.data?.totalPages ?? 1, onPage: (next) => setQuery({ page: next }) }}
        />
      )}
    </>
  );
}

const GROUP_COLUMNS: Array<Column<Group>> = [
  {
    header: 'Group',
    cell: (group) => (
      <>
        <Link href={groupHref(group.full_path)}>{group.full_name}</Link>
        {group.description && <div className="sub">{group.description}</div>}
      </>
    ),
  },
  { header: 'Visibility', cell: (group) => <span className={`badge ${group.visibility}`}>{group.visibility}</span> },
];
