/**
 * Who is calling, after authentication. The registry token service, the /v2/ guard and the REST API
 * all decide from this one shape.
 */
export type Actor = {
  kind: 'user' | 'deploy_token' | 'job';
  /** The user (for a job: the user who started it); null for deploy tokens. */
  userId: number | null;
  username: string;
  isAdmin: boolean;
  /** Scopes of the token used; null = a password login: all scopes. */
  scopes: string[] | null;
  deployToken?: { id: number; projectId: number | null; groupId: number | null };
  job?: { id: number; projectId: number; userId: number };
  /** Bot users (project and group access tokens) never gain access through `internal` visibility. */
  isBot?: boolean;
  /** The personal (or project/group) access token the request authenticated with, for `/personal_access_tokens/self`. */
  personalAccessTokenId?: number;
  /** Set for requests of a web UI session (cookie and CSRF token), never for token or password headers. */
  viaWebSession?: true;
};

export type RegistryAction = 'pull' | 'push' | 'delete';

export const REGISTRY_ACTIONS: readonly RegistryAction[] = ['pull', 'push', 'delete'];
