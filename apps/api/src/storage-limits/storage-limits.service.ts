import { Injectable } from '@nestjs/common';
import { AccessLevel, Actor, IamServices, NamespaceRecord, ProjectRecord, requireAdmin } from '@cargohold/iam';
import { GroupStorage, ProjectStorage, StorageLimitService } from '@cargohold/registry';

/**
 * Who may see and set registry storage limits: administrators set them (project, group, instance default);
 * Reporters and up see a project's or group's limit with its usage, as they see `statistics`.
 */
@Injectable()
export class StorageLimitsRequests {
  constructor(
    private readonly iam: IamServices,
    private readonly limits: StorageLimitService,
  ) {}

  /** Refuses a non-administrator before anything changes (a PUT that also edits other fields changes nothing then). */
  assertMaySet(actor: Actor | null): void {
    requireAdmin(actor);
  }

  /** `limit`: bytes, 0 for none, null to fall back to the instance default. */
  async setForProject(actor: Actor | null, project: ProjectRecord, limit: number | null): Promise<void> {
    requireAdmin(actor);
    await this.limits.setProjectLimit(project.id, limit);
  }

  async setForGroup(actor: Actor | null, group: NamespaceRecord, limit: number): Promise<void> {
    requireAdmin(actor);
    await this.limits.setGroupLimit(group.id, limit);
  }

  /** The project's limit and usage, or null when the caller's level does not show them. */
  async ofProject(actor: Actor | null, project: ProjectRecord, level: number): Promise<ProjectStorage | null> {
    if (!mayRead(actor, level)) return null;
    return this.limits.project(project.id);
  }

  async ofGroup(actor: Actor | null, group: NamespaceRecord, level: number): Promise<GroupStorage | null> {
    if (!mayRead(actor, level)) return null;
    return this.limits.group(group.id, await this.iam.projects.idsWithinGroup(group.id));
  }

  async instanceDefault(actor: Actor | null): Promise<number> {
    requireAdmin(actor);
    return this.limits.defaultLimit();
  }

  async setInstanceDefault(actor: Actor | null, limit: number): Promise<void> {
    requireAdmin(actor);
    await this.limits.setDefaultLimit(limit);
  }
}

function mayRead(actor: Actor | null, level: number): boolean {
  return actor?.isAdmin === true || level >= AccessLevel.REPORTER;
}
