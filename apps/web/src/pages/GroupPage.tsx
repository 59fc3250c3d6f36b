import { getAll } from '../api/client';
import { getGroup } from '../api/projects';
import type { Project } from '../api/types';
import { Breadcrumbs } from '../components/Layout';
import { EmptyState, ErrorState, Loading } from '../components/States';
import { projectHref } from '../components/format';
import { useAsync } from '../components/useAsync';
import { Link } from '../router';

/** A group and the projects in it (and its subgroups) that the user can see. */
export function GroupPage({ groupId }: { groupId: string }) {
  const state = useAsync(async () => {
    const group = await getGroup(groupId);
    const { items } = await getAll<Project>('/projects', { order_by: 'name', sort: 'asc' });
    const prefix = `${group.full_path}/`;
    return { group, projects: items.filter((p) => p.path_with_namespace.startsWith(prefix)) };
  }, [groupId]);
  if (state.error) return <ErrorState error={state.error} onRetry={state.reload} />;
  if (!state.data) return <Loading label="Loading group…" />;
  const { group, projects } = state.data;
  return (
    <>
      <Breadcrumbs items={[{ label: 'Groups', href: '/groups' }, { label: group.full_path }]} />
      <h1>{group.full_name ?? group.full_path}</h1>
      {group.description && <p>{group.description}</p>}
      <h2>Projects</h2>
      {projects.length === 0 ? (
        <EmptyState title="No projects in this group that you can see" />
      ) : (
        <ul className="plain-list">
          {projects.map((project) => (
            <li key={project.id}>
              <Link href={projectHref(project.id, 'registry')}>{project.path_with_namespace}</Link>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
