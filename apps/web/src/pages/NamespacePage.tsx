import { ApiError } from '../api/client';
import { getGroup } from '../api/projects';
import { ErrorState, Loading } from '../components/States';
import { useAsync } from '../components/useAsync';
import { GroupPage } from './GroupPage';
import { UserNamespacePage } from './UserNamespacePage';

/** `/<path>` with one segment: a top-level group (GitLab serves groups there too), else a user's namespace. */
export function NamespacePage({ path }: { path: string }) {
  const state = useAsync(async () => {
    try {
      await getGroup(path);
      return 'group' as const;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return 'user' as const;
      throw error;
    }
  }, [path]);
  if (state.error) return <ErrorState error={state.error} onRetry={state.reload} />;
  if (!state.data) return <Loading />;
  return state.data === 'group' ? <GroupPage groupId={path} /> : <UserNamespacePage path={path} />;
}
