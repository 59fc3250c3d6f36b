import { ApiError, enc, get, getPage, prefetch, put, Query } from './client';
import type { Group, GroupDetail, Member, Project, ProjectDetail } from './types';

export function listProjects(query: Query) {
  return getPage<Project>('/projects', { membership: true, order_by: 'name', sort: 'asc', ...query });
}

export function listGroups(query: Query) {
  return getPage<Group>('/groups', { order_by: 'name', sort: 'asc', ...query });
}

export function getProject(id: string | number, query?: Query) {
  return get<ProjectDetail>(`/projects/${enc(id)}`, query);
}

/** Starts the request getProject makes with the same arguments, for it to take (client.ts, `prefetch`). */
export function prefetchProject(id: string | number, query?: Query) {
  prefetch(`/projects/${enc(id)}`, query);
}

export function getGroup(id: string | number) {
  return get<GroupDetail>(`/groups/${enc(id)}`);
}


export function updateProject(id: string | number, body: Record<string, unknown>) {
  return put<ProjectDetail>(`/projects/${enc(id)}`, body);
}

/** The caller's effective role in the project, when the API tells it (GitLab's `permissions`), else via members/all. */
export async function accessLevelIn(project: Project, userId: number): Promise<number> {
  const fromProject = project.permissions?.project_access?.access_level ?? 0;
  if (fromProject > 0) return fromProject;
  try {
    const member = await get<Member>(`/projects/${enc(project.id)}/members/all/${enc(userId)}`);
    return member.access_level;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 403)) return 0;
    throw error;
  }
}

/** The caller's effective role in a group (inherited included; 0 when they have none). */
export async function groupAccessLevel(groupId: number, userId: number): Promise<number> {
  try {
    return (await get<Member>(`/groups/${enc(groupId)}/members/all/${enc(userId)}`)).access_level;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 403)) return 0;
    throw error;
  }
}
