import { getAll } from '../api/client';
import type { Project } from '../api/types';
import { Breadcrumbs } from '../components/Layout';
import { EmptyState, ErrorState, Loading } from '../components/States';
import { projectHref } from '../components/format';
import { useAsync } from '../components/useAsync';
import { Link } from '../router';

/** A user's namespace (`/<username>`, the web_url of a personal namespace): the projects in it the caller sees. */
export function UserNamespacePage({ path }: { path: string }) {
  const state = useAsync(async () => {
    const { items } = await getAll<Project>('/projects', { order_by: 'name', sort: 'asc' });
    return items.filter((p) => p.namespace.kind === 'user' && p.namespace.full_path === path);
  }, [path]);
  if (state.error) return <ErrorState error={state.error} onRetry={state.reload} />;
  if (!state.data) return <Loading label="Loading projects…" />;
  return (
    <>
      <Breadcrumbs items={[{ label: 'Projects', href: '/' }, { label: path }]} />
      <h1>{path}</h1>
      {state.data.length === 0 ? (
        <EmptyState title={`No projects of ${path} that you can see`} />
      ) : (
        <ul className="plain-list">
          {state.data.map((project) => (
            <li key={project.id}>
              <Link href={projectHref(project.id, 'registry')}>{project.path_with_namespace}</Link>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
