import { RegistryEventActor } from '@cargohold/registry';
import { clientAddress } from '../http/client-address';
import { RegistryRequest } from './registry-http';
import { RegistryPrincipal } from './registry-access';

/** Who acted, for registry events: the JWT's actor claim and subject, plus the source address (audit only). */
export function eventActor(request: RegistryRequest, principal: RegistryPrincipal | undefined): RegistryEventActor {
  const claimed = principal?.actor;
  const kind = claimed && ['user', 'deploy_token', 'job'].includes(claimed.kind) ? (claimed.kind as RegistryEventActor['kind']) : 'anonymous';
  return { kind, id: kind === 'anonymous' ? null : (claimed?.id ?? null), name: principal?.subject || null, ipAddress: clientAddress(request.req) };
}
