import { RegistryAction } from '../domain/actor';

/** One entry of a JWT `access` claim, as in the Docker token authentication specification. */
export interface AccessEntry {
  type: 'repository' | 'registry';
  name: string;
  actions: string[];
  /**
   * As GitLab's token carries `meta` per entry: `access_level` is the level protection rules compare for this
   * caller in the repository's project (libs/iam protectionAccessLevel; 60 for administrators). The registry reads
   * the rules themselves inside the push's transaction, so a rule change applies at once; only the caller's level
   * travels with the token, like its actions.
   */
  meta?: { access_level: number };
}

const KNOWN_ACTIONS = new Set(['pull', 'push', 'delete', '*']);

/**
 * Most scopes one token request may ask for (counted after splitting space-separated parameters). With names of
 * at most 255 characters this bounds a registry JWT to about 30 KB; docker, podman and skopeo ask for one to three.
 */
export const MAX_SCOPES_PER_TOKEN_REQUEST = 32;

/** The individual scope strings of the `scope` parameters. */
export function splitScopes(values: string[]): string[] {
  return values.flatMap((v) => v.split(' ')).filter(Boolean);
}

/**
 * Parses `scope` parameters (`repository:<name>:<actions>`, `registry:catalog:*`); several may be given, and
 * one parameter may hold several separated by spaces. Unknown types and malformed entries are dropped, as
 * distribution does, rather than failing the whole login.
 */
export function parseScopes(values: string[]): AccessEntry[] {
  const entries: AccessEntry[] = [];
  for (const value of splitScopes(values)) {
    const first = value.indexOf(':');
    const last = value.lastIndexOf(':');
    if (first <= 0 || last === first) continue;
    const type = value.slice(0, first);
    const name = value.slice(first + 1, last);
    const actions = value.slice(last + 1).split(',').filter((action) => KNOWN_ACTIONS.has(action));
    if (type === 'repository' && name.length > 0 && name.length <= 255) entries.push({ type, name, actions });
    if (type === 'registry' && name === 'catalog') entries.push({ type, name, actions: ['*'] });
  }
  return entries;
}

/** The requested actions the caller may really perform ('*' asks for everything). */
export function grantActions(requested: string[], allowed: RegistryAction[]): RegistryAction[] {
  const wanted = requested.includes('*') ? allowed : requested;
  return allowed.filter((action) => wanted.includes(action));
}
