import { ReactNode } from 'react';
import { EmptyState } from './components/States';
import { AccessTokensPage } from './pages/AccessTokensPage';
import { CleanupPolicyPage } from './pages/CleanupPolicyPage';
import { DeployTokensPage } from './pages/DeployTokensPage';
import { GroupPage } from './pages/GroupPage';
import { GroupsPage } from './pages/GroupsPage';
import { PersonalAccessTokensPage } from './pages/PersonalAccessTokensPage';
import { ProjectLayout, ProjectTab } from './pages/ProjectLayout';
import { ProjectsPage } from './pages/ProjectsPage';
import { RegistryPage } from './pages/RegistryPage';
import { RepositoryPage } from './pages/RepositoryPage';
import { TagPage } from './pages/TagPage';
import { UsagePage } from './pages/UsagePage';
import { WebhooksPage } from './pages/WebhooksPage';
import { Link, match, useLocation } from './router';

type ProjectRoute = [pattern: string, tab: ProjectTab, render: (params: Record<string, string>) => ReactNode];

const PROJECT_ROUTES: ProjectRoute[] = [
  ['/projects/:id', 'registry', () => <RegistryPage />],
  ['/projects/:id/registry', 'registry', () => <RegistryPage />],
  ['/projects/:id/registry/:repo', 'registry', (p) => <RepositoryPage repositoryId={p.repo} />],
  ['/projects/:id/registry/:repo/tags/:tag', 'registry', (p) => <TagPage repositoryId={p.repo} tag={p.tag} />],
  ['/projects/:id/cleanup', 'cleanup', () => <CleanupPolicyPage />],
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
  const group = match('/groups/:id', path);
  if (group) return <GroupPage groupId={group.id} />;
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
  return (
    <EmptyState title="Page not found">
      <p>
        There is no page at <code>{path}</code>. <Link href="/">Back to projects</Link>
      </p>
    </EmptyState>
  );
}
