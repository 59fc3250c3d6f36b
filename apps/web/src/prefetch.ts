import { prefetchProject } from './api/projects';
import { prefetchTagPage } from './api/registry';
import { PROJECT_LAYOUT_QUERY } from './pages/ProjectLayout';
import { tagListView } from './pages/tag-list';
import { match } from './router';

/**
 * Starts the first requests of the page the browser opens while the UI boots, beside the session's, instead of one
 * after the other as the page renders (session, then the project, then the page's own): for a repository page, its
 * project and the tag page its URL asks for. The page takes those answers (client.ts, `prefetch`); a request it
 * makes differently is sent as usual.
 */
export function prefetchRoute(path: string, search: URLSearchParams): void {
  const repository = match('/projects/:id/registry/:repo', path);
  if (!repository) return;
  prefetchProject(repository.id, PROJECT_LAYOUT_QUERY);
  prefetchTagPage(repository.id, repository.repo, tagListView(search).query);
}
