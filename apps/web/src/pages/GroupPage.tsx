import { getAll } from '../api/client';
import { getGroup } from '../api/projects';
import type { Group, Project } from '../api/types';
import { Breadcrumbs } from '../components/Layout';
import { EmptyState, ErrorState, Loading } from '../components/States';
import { groupHref, projectHref } from '../components/format';
import { UsageBar } from '../components/UsageBar';
import { useAsync } from '../components/useAsync';
import { Link } from '../router';
import { virtualRegistriesHref } from './VirtualRegistriesPage';

/** A group: its subgroups and the projects directly in it that the user can see (GitLab's group page). */
export function GroupPage({ groupId }: { groupId: string }) {
  const state = useAsync(async () => {
    const group = await getGroup(groupId);
    const [subgroups, projects] = await Promise.all([
      getAll<Group>(`/groups/${encodeURIComponent(String(group.id))}/subgroups`, { order_by: 'name', sort: 'asc' }),
      getAll<Project>('/projects', { order_by: 'name', sort: 'asc' }),
    ]);
    return { group, subgroups: subgroups.items, projects: projects.items.filter((p) => p.namespace.id === group.id) };
  }, [groupId]);
  if (state.error) return <ErrorState error={state.error} onRetry={state.reload} />;
  if (!state.data) return <Loading label="Loading group…" />;
  const { group, subgroups, projects } = state.data;
  const ancestors = group.full_path.split('/').slice(0, -1);
  return (
    <>
      <Breadcrumbs
        items={[
          { label: 'Groups', href: '/groups' },
          ...ancestors.map((_, i) => {
            const path = ancestors.slice(0, i + 1).join('/');
            return { label: path, href: groupHref(path) };
          }),
          { label: group.full_path },
        ]}
      />
      <h1>{group.full_name ?? group.full_path}</h1>
      {group.description && <p>{group.description}</p>}
      {group.parent_id === null && (
        <p>
          <Link href={virtualRegistriesHref(group.full_path)}>Virtual registries and dependency proxy</Link>
        </p>
      )}
      <UsageBar used={group.container_registry_size} limit={group.container_registry_storage_limit} label="Group registry storage used of its limit" />
      <h2>Subgroups</h2>
      {subgroups.length === 0 ? (
        <EmptyState title="No subgroups that you can see" />
      ) : (
        <ul className="plain-list" data-testid="subgroups">
          {subgroups.map((subgroup) => (
            <li key={subgroup.id}>
              <Link href={groupHref(subgroup.full_path)}>{subgroup.full_name ?? subgroup.full_path}</Link>
            </li>
          ))}
        </ul>
      )}
      <h2>Projects</h2>
      {projects.length === 0 ? (
        <EmptyState title="No projects in this group that you can see" />
      ) : (
        <ul className="plain-list" data-testid="group-projects">
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
