import { IsIn, IsISO8601, IsOptional, Min } from 'class-validator';
import { PaginationQuery } from '../rest/pagination';
import { GitlabInteger } from '../rest/validation';

export class AuditEventsQuery extends PaginationQuery {
  @IsOptional() @IsISO8601()
  created_after?: string;

  @IsOptional() @IsISO8601()
  created_before?: string;
}

/** `GET /audit_events` (instance) also filters by entity, as GitLab's does. */
export class InstanceAuditEventsQuery extends AuditEventsQuery {
  @IsOptional() @IsIn(['User', 'Group', 'Project', 'Gitlab::Audit::InstanceScope'])
  entity_type?: 'User' | 'Group' | 'Project' | 'Gitlab::Audit::InstanceScope';

  @IsOptional() @GitlabInteger() @Min(0)
  entity_id?: number;
}
