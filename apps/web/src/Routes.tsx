import { ReactNode } from 'react';
import { EmptyState } from './components/States';
import { AccessTokensPage } from './pages/AccessTokensPage';
import { CleanupPolicyPage } from './pages/CleanupPolicyPage';
import { DeletedTagsPage } from './pages/DeletedTagsPage';
import { DeployTokensPage } from './pages/DeployTokensPage';
import { GroupPage } from './pages/GroupPage';
import { GroupsPage } from './pages/GroupsPage';
import { NamespacePage } from './pages/NamespacePage';
import { PersonalAccessTokensPage } from './pages/PersonalAccessTokensPage';
import { ProjectLayout, ProjectTab } from './pages/ProjectLayout';
import { ProjectsPage } from './pages/ProjectsPage';
import { ProtectionPage } from './pages/ProtectionPage';
import { RegistryPage } from './pages/RegistryPage';
import { RepositoryPage } from './pages/RepositoryPage';
import { TagPage } from './pages/TagPage';
import { UsagePage } from './pages/UsagePage';
import { VirtualRegistriesPage } from './pages/VirtualRegistriesPage';
import { WebhooksPage } from './pages/WebhooksPage';
import { Link, match, useLocation } from './router';

type ProjectRoute = [pattern: string, tab: ProjectTab, render: (params: Record<string, string>) => ReactNode];

const PROJECT_ROUTES: ProjectRoute[] = [
  ['/projects/:id', 'registry', () => <RegistryPage />],
  ['/projects/:id/registry', 'registry', () => <RegistryPage />],
  ['/projects/:id/registry/:repo', 'registry', (p) => <RepositoryPage repositoryId={p.repo} />],
  ['/projects/:id/registry/:repo/tags/:tag', 'registry', (p) => <TagPage repositoryId={p.repo} tag={p.tag} />],
  ['/projects/:id/registry/:repo/deleted', 'registry', (p) => <DeletedTagsPage repositoryId={p.repo} />],
  ['/projects/:id/cleanup', 'cleanup', () => <CleanupPolicyPage />],
  ['/projects/:id/protection', 'protection', () => <ProtectionPage />],
  ['/projects/:id/deploy-tokens', 'deploy-tokens', () => <DeployTokensPage />],
  ['/projects/:id/access-tokens', 'access-tokens', () => <AccessTokensPage />],
  ['/projects/:id/webhooks', 'webhooks', () => <WebhooksPage />],
  ['/projects/:id/usage', 'usage', () => <UsagePage />],
];

export function Routes() {
  const { path } = useLocation();
  if (path === '/' || path === '/projects') return <ProjectsPage />;
  if (path === '/groups') return <GroupsPage />;
  if (path === '/user/access-tokens') return <PersonalAccessTokensPage />;
  // `/groups/team/backend` (GitLab's web_url) and `/groups/team%2Fbackend` (older links) name the same group.
  if (path.startsWith('/groups/') && path.length > '/groups/'.length) {
    const parts = segments(path.slice('/groups'.length));
    // GitLab's group sub-pages sit after a `-` segment: `/groups/team/-/virtual_registries`.
    const dash = parts.indexOf('-');
    const fullPath = (dash < 0 ? parts : parts.slice(0, dash)).join('/');
    if (dash >= 0 && parts[dash + 1] === 'virtual_registries') return <VirtualRegistriesPage groupId={fullPath} key={fullPath} />;
    return <GroupPage groupId={fullPath} key={fullPath} />;
  }
  for (const [pattern, tab, render] of PROJECT_ROUTES) {
    const params = match(pattern, path);
    if (params) {
      return (
        <ProjectLayout projectId={params.id} tab={tab} key={params.id}>
          {render(params)}
        </ProjectLayout>
      );
    }
  }
  return webUrlRoute(path) ?? (
    <EmptyState title="Page not found">
      <p>
        There is no page at <code>{path}</code>. <Link href="/">Back to projects</Link>
      </p>
    </EmptyState>
  );
}

/**
 * The web_url forms the API hands out: `/<namespace>` (a group or a user), `/<namespace>/<project>` (namespaces
 * may nest) and GitLab's registry page `/<namespace>/<project>/container_registry`.
 */
function webUrlRoute(path: string): ReactNode | null {
  const parts = segments(path);
  if (parts.length === 1) return <NamespacePage path={parts[0]} key={parts[0]} />;
  if (parts.length < 2) return null;
  const registryPage = parts.length >= 3 && parts[parts.length - 1] === 'container_registry';
  const fullPath = (registryPage ? parts.slice(0, -1) : parts).join('/');
  return (
    <ProjectLayout projectId={fullPath} tab="registry" key={fullPath}>
      <RegistryPage />
    </ProjectLayout>
  );
}

/** The path's segments, URL-decoded (an encoded "/" splits too, so `team%2Fbackend` is two segments). */
function segments(path: string): string[] {
  return path
    .split('/')
    .filter(Boolean)
    .flatMap((part) => safeDecode(part).split('/'))
    .filter(Boolean);
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
