import { IncomingMessage } from 'node:http';
import { RegistryAction } from './registry-routes';

/** Who is calling, as far as the registry is concerned. */
export interface RegistryPrincipal {
  /** Username, or null for anonymous. */
  subject: string | null;
  /** The repositories and actions the caller's token grants. */
  can(repository: string, action: RegistryAction): boolean;
  /**
   * The level protection rules compare for this caller in the repository's project (the token's
   * `access[].meta.access_level`; 0 when the token carries none).
   */
  accessLevel(repository: string): number;
  /** Whether the caller may list the whole catalog. */
  isAdmin: boolean;
  /** The token's `actor` claim (kind and id of the credential), for registry events and the audit trail. */
  actor?: { kind: string; id: number | null };
}

export type AccessDecision =
  | { allowed: true; principal: RegistryPrincipal }
  | { allowed: false; status: 401 | 403; challenge?: string; message: string };

/**
 * The one place /v2/ decides who may do what. Handlers never check permissions themselves:
 * the router asks this guard before dispatching, with the repository and actions the route needs.
 */
export interface RegistryAccessGuard {
  authorize(req: IncomingMessage, repository: string | null, actions: RegistryAction[]): Promise<AccessDecision>;
}

export const REGISTRY_ACCESS_GUARD = Symbol('REGISTRY_ACCESS_GUARD');
