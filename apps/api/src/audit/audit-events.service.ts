import { AccessLevel, Actor, AuditEventFilter, AuditEventRecord, AuditLog, IamError, IamServices, PageRequest, Paged, requireAdmin, ResourceRef } from '@cargohold/iam';
import { AuditEventsQuery, InstanceAuditEventsQuery } from './audit-events.dto';

/** Who may read which part of the trail: the instance (administrators), a group (Owners), a project (Maintainers+). */
export class AuditEventsService {
  constructor(
    private readonly iam: IamServices,
    private readonly audit: AuditLog,
  ) {}

  async instance(actor: Actor | null, query: InstanceAuditEventsQuery, page: PageRequest): Promise<Paged<AuditEventRecord>> {
    requireAdmin(actor);
    if (query.entity_id !== undefined && !query.entity_type) throw IamError.invalid('entity_type is missing');
    return this.audit.list({ ...dates(query), entityType: query.entity_type, entityId: query.entity_id }, page);
  }

  async instanceOne(actor: Actor | null, id: number): Promise<AuditEventRecord> {
    requireAdmin(actor);
    return found(await this.audit.find(id, {}));
  }

  async scoped(actor: Actor | null, kind: 'project' | 'group', ref: ResourceRef, query: AuditEventsQuery, page: PageRequest): Promise<Paged<AuditEventRecord>> {
    return this.audit.list({ ...dates(query), ...(await this.entity(actor, kind, ref)) }, page);
  }

  async scopedOne(actor: Actor | null, kind: 'project' | 'group', ref: ResourceRef, id: number): Promise<AuditEventRecord> {
    return found(await this.audit.find(id, await this.entity(actor, kind, ref)));
  }

  private async entity(actor: Actor | null, kind: 'project' | 'group', ref: ResourceRef): Promise<AuditEventFilter> {
    if (kind === 'project') {
      const { project } = await this.iam.access.requireProject(actor, ref, AccessLevel.MAINTAINER);
      return { entityType: 'Project', entityId: project.id };
    }
    const { group } = await this.iam.access.requireGroup(actor, ref, AccessLevel.OWNER);
    return { entityType: 'Group', entityId: group.id };
  }
}

function dates(query: AuditEventsQuery): AuditEventFilter {
  return {
    createdAfter: query.created_after ? new Date(query.created_after) : undefined,
    createdBefore: query.created_before ? new Date(query.created_before) : undefined,
  };
}

function found(event: AuditEventRecord | null): AuditEventRecord {
  if (!event) throw IamError.notFound('Audit Event');
  return event;
}
