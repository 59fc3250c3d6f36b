import { createContext, ReactNode, useContext } from 'react';
import { accessLevelIn, getProject } from '../api/projects';
import { AccessLevel, ProjectDetail, roleName } from '../api/types';
import { Breadcrumbs } from '../components/Layout';
import { ErrorState, Loading } from '../components/States';
import { groupHref, projectHref } from '../components/format';
import { useAsync } from '../components/useAsync';
import { Link } from '../router';
import { useSession } from '../session-context';

export type ProjectTab = 'registry' | 'cleanup' | 'protection' | 'deploy-tokens' | 'access-tokens' | 'webhooks' | 'usage';

/** The last field: the least role that sees the tab (the page answers the others too, with a message). */
const TABS: Array<[ProjectTab, string, string, number?]> = [
  ['registry', 'Container registry', 'registry'],
  ['cleanup', 'Cleanup policy', 'cleanup'],
  ['protection', 'Protected tags', 'protection', AccessLevel.MAINTAINER],
  ['deploy-tokens', 'Deploy tokens', 'deploy-tokens'],
  ['access-tokens', 'Access tokens', 'access-tokens'],
  ['webhooks', 'Webhooks', 'webhooks'],
  ['usage', 'Usage', 'usage'],
];

export interface ProjectContextValue {
  project: ProjectDetail;
  /** The caller's effective role (administrators count as Owner). */
  accessLevel: number;
  /** Whether the session may write at all (a read_api token session may not). */
  canWrite: boolean;
  reloadProject: () => void;
}

/** What the layout asks `GET /projects/:id` for (the boot's prefetch asks the same). */
export const PROJECT_LAYOUT_QUERY = { statistics: true };

const ProjectContext = createContext<ProjectContextValue | null>(null);

export function useProject(): ProjectContextValue {
  const value = useContext(ProjectContext);
  if (!value) throw new Error('useProject outside ProjectLayout');
  return value;
}

export function ProjectLayout({ projectId, tab, children }: { projectId: string; tab: ProjectTab; children: ReactNode }) {
  const { user, scopes } = useSession();
  const canWrite = scopes === null || scopes.includes('api');
  const state = useAsync(async () => {
    const project = await getProject(projectId, PROJECT_LAYOUT_QUERY);
    const accessLevel = user.is_admin ? AccessLevel.OWNER : await accessLevelIn(project, user.id);
    return { project, accessLevel };
  }, [projectId, user.id]);

  if (state.error) return <ErrorState error={state.error} onRetry={state.reload} />;
  if (!state.data) return <Loading label="Loading project…" />;
  const { project, accessLevel } = state.data;
  return (
    <ProjectContext.Provider value={{ project, accessLevel, canWrite, reloadProject: state.reload }}>
      <Breadcrumbs
        items={[
          { label: 'Projects', href: '/' },
          ...(project.namespace.kind === 'group' ? [{ label: project.namespace.full_path, href: groupHref(project.namespace.full_path) }] : []),
          { label: project.name, href: projectHref(project.id, 'registry') },
        ]}
      />
      <div className="project-header">
        <h1>{project.name_with_namespace}</h1>
        <p className="meta">
          <span className={`badge ${project.visibility}`}>{project.visibility}</span>
          <span>Your role: {roleName(accessLevel)}</span>
        </p>
      </div>
      <nav className="tabs" aria-label="Project">
        {TABS.filter(([, , , least]) => accessLevel >= (least ?? 0)).map(([key, label, segment]) => (
          <Link key={key} href={projectHref(project.id, segment)} aria-current={key === tab ? 'page' : undefined}>
            {label}
          </Link>
        ))}
      </nav>
      <section className="tab-panel">{children}</section>
    </ProjectContext.Provider>
  );
}
