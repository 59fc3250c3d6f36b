import { DependencyList, useState } from 'react';
import type { Page } from '../api/client';
import { useAction } from './useAction';
import { AsyncState, useAsync } from './useAsync';

/**
 * What every token page does around its list: load it, hold the token just created (its secret is shown once),
 * revoke one and reload. The pages differ only in their API calls, columns and create form.
 */
export function useTokenList<T extends { id: number }>(
  load: () => Promise<Page<T>>,
  revokeToken: (tokenId: number) => Promise<unknown>,
  deps: DependencyList,
): {
  list: AsyncState<Page<T>>;
  created: T | null;
  dismissCreated: () => void;
  onCreated: (token: T) => void;
  revoke: (token: T) => void;
  revokeError: unknown;
} {
  const list = useAsync(load, deps);
  const [created, setCreated] = useState<T | null>(null);
  const revoking = useAction();
  return {
    list,
    created,
    dismissCreated: () => setCreated(null),
    onCreated: (token) => {
      setCreated(token);
      list.reload();
    },
    revoke: (token) =>
      void revoking.run(async () => {
        await revokeToken(token.id);
        list.reload();
      }),
    revokeError: revoking.error,
  };
}
