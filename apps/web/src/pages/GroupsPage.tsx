import { listGroups } from '../api/projects';
import { Pagination } from '../components/Pagination';
import { SearchBox } from '../components/SearchBox';
import { EmptyState, ErrorState, Loading } from '../components/States';
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
      ) : !state.data ? (
        <Loading label="Loading groups…" />
      ) : state.data.items.length === 0 ? (
        <EmptyState title={term ? 'No group matches your search' : 'No groups you can see'} />
      ) : (
        <>
          <table className="list" aria-label="Groups">
            <thead>
              <tr>
                <th scope="col">Group</th>
                <th scope="col">Visibility</th>
              </tr>
            </thead>
            <tbody>
              {state.data.items.map((group) => (
                <tr key={group.id}>
                  <td>
                    <Link href={groupHref(group.full_path)}>{group.full_name ?? group.full_path}</Link>
                    {group.description && <div className="sub">{group.description}</div>}
                  </td>
                  <td>
                    <span className={`badge ${group.visibility}`}>{group.visibility}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pagination label="Groups pages" page={page} totalPages={state.data.totalPages ?? 1} onPage={(next) => setQuery({ page: next })} />
        </>
      )}
    </>
  );
}
