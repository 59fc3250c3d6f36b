import { prefetchProject } from './api/projects';
import { prefetchTagPage } from './api/registry';
import { prefetchSession } from './api/session';
import { PROJECT_LAYOUT_QUERY } from './pages/ProjectLayout';
import { tagListView } from './pages/tag-list';
import { match } from './router';

/**
 * Starts the first requests of the page the browser opens as soon as the UI's script runs, instead of one after the
 * other as the page renders (session after the first render, then the project, then the page's own): the session,
 * and for a repository page its project and the tag page its URL asks for. The page takes those answers (client.ts,
 * `prefetch`); a request it makes differently is sent as usual.
 */
export function prefetchRoute(path: string, search: URLSearchParams): void {
  prefetchSession();
  const repository = match('/projects/:id/registry/:repo', path);
  if (!repository) return;
  prefetchProject(repository.id, PROJECT_LAYOUT_QUERY);
  prefetchTagPage(repository.id, repository.repo, tagListView(search).query);
}
