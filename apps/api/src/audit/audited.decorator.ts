import { SetMetadata } from '@nestjs/common';

export const AUDITED = 'cargohold:audit:event';

/** What an audited route changes: the event name and the kind of thing it creates, changes or removes. */
export interface AuditedRoute {
  event: string;
  target: 'PersonalAccessToken' | 'DeployToken' | 'Member';
}

/**
 * Records an audit event after the route succeeded (AuditInterceptor): author, source address, the project, group or
 * user it concerns (from the route), and the target (from the response or the route). Failed calls record nothing.
 */
export const Audited = (event: string, target: AuditedRoute['target']) => SetMetadata(AUDITED, { event, target } satisfies AuditedRoute);
