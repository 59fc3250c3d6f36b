import { EntityManager } from 'typeorm';
import { AccessLevel, accessLevelName, isMemberAccessLevel } from './domain/access-level';
import { Actor } from './domain/actor';
import { checkExpiryDate } from './domain/dates';
import { IamError } from './domain/iam-error';
import { MemberRecord, MemberSource } from './data/member.repository';
import { PageRequest, Paged } from './data/paging';
import { AccessService, groupSource, projectSource, ResourceRef, requireUser } from './access.service';
import { IamContext } from './iam-context';
import { authorOf, ChangeOrigin } from './audit/audit-trail';

/** Which membership list: a project's or a group's. */
export interface SourceRef {
  kind: 'project' | 'group';
  ref: ResourceRef;
}

export interface MemberChanges {
  accessLevel: number;
  /** YYYY-MM-DD, null to clear, undefined to keep. */
  expiresAt?: string | null;
}

interface ResolvedSource {
  source: MemberSource;
  /** The actor's effective level on it. */
  level: number;
  /** Full path of the project or group, for messages and the audit trail. */
  label: string;
}

/** Memberships of groups and projects, and the rules GitLab applies to changing them. */
export class MemberService {
  constructor(
    private readonly ctx: IamContext,
    private readonly access: AccessService,
  ) {}

  async list(actor: Actor | null, ref: SourceRef, page: PageRequest): Promise<Paged<MemberRecord>> {
    const { source } = await this.resolve(actor, ref);
    return this.ctx.members.listDirect(this.ctx.manager, source, page);
  }

  /** Direct and inherited members, each user once with their highest level. */
  async listAll(actor: Actor | null, ref: SourceRef, page: PageRequest): Promise<Paged<MemberRecord>> {
    const { source } = await this.resolve(actor, ref);
    return this.ctx.members.listEffective(this.ctx.manager, source, page);
  }

  async get(actor: Actor | null, ref: SourceRef, userId: number): Promise<MemberRecord> {
    const { source } = await this.resolve(actor, ref);
    const member = await this.ctx.members.find(this.ctx.manager, source, userId);
    if (!member) throw IamError.notFound('Member');
    return member;
  }

  /** One user's effective membership, direct or inherited from an ancestor group (GitLab's `members/all/:user_id`). */
  async getEffective(actor: Actor | null, ref: SourceRef, userId: number): Promise<MemberRecord> {
    const { source } = await this.resolve(actor, ref);
    const member = await this.ctx.members.findEffective(this.ctx.manager, source, userId);
    if (!member) throw IamError.notFound('Member');
    return member;
  }

  async add(actor: Actor | null, ref: SourceRef, input: { userId: number } & MemberChanges, origin: ChangeOrigin): Promise<MemberRecord> {
    const user = requireUser(actor);
    const resolved = await this.resolve(actor, ref, AccessLevel.MAINTAINER);
    checkLevel(input.accessLevel);
    const expiresAt = checkExpiryDate(input.expiresAt);
    // Only Owners hand out the Owner role.
    if (input.accessLevel === AccessLevel.OWNER && resolved.level < AccessLevel.OWNER) throw IamError.forbidden();
    const target = await this.ctx.users.findById(this.ctx.manager, input.userId);
    if (!target) throw IamError.notFound('User');
    await this.checkNotBelowInherited(resolved.source, input.userId, input.accessLevel);
    return this.ctx.transaction(async (db) => {
      const member = await this.ctx.members.insert(db, resolved.source, {
        userId: input.userId,
        accessLevel: input.accessLevel,
        expiresAt,
        createdById: user.userId,
      });
      if (!member) throw IamError.conflict('Member already exists');
      await this.recordChange(db, user, origin, 'member_added', resolved, member);
      return member;
    });
  }

  async update(actor: Actor | null, ref: SourceRef, userId: number, changes: MemberChanges, origin: ChangeOrigin): Promise<MemberRecord> {
    const resolved = await this.resolve(actor, ref, AccessLevel.MAINTAINER);
    const user = requireUser(actor);
    checkLevel(changes.accessLevel);
    const expiresAt = changes.expiresAt === undefined ? undefined : checkExpiryDate(changes.expiresAt);
    const existing = await this.ctx.members.find(this.ctx.manager, resolved.source, userId);
    if (!existing) throw IamError.notFound('Member');
    const touchesOwner = existing.accessLevel === AccessLevel.OWNER || changes.accessLevel === AccessLevel.OWNER;
    if (touchesOwner && resolved.level < AccessLevel.OWNER) throw IamError.forbidden();
    if (existing.accessLevel === AccessLevel.OWNER && changes.accessLevel < AccessLevel.OWNER) await this.checkNotLastOwner(resolved, userId);
    await this.checkNotBelowInherited(resolved.source, userId, changes.accessLevel);
    return this.ctx.transaction(async (db) => {
      const member = await this.ctx.members.update(db, resolved.source, userId, { accessLevel: changes.accessLevel, expiresAt });
      if (!member) throw IamError.notFound('Member');
      await this.recordChange(db, user, origin, 'member_updated', resolved, member);
      return member;
    });
  }

  async remove(actor: Actor | null, ref: SourceRef, userId: number, origin: ChangeOrigin): Promise<void> {
    const user = requireUser(actor);
    // Anyone may leave; removing others takes a Maintainer.
    const leaving = user.userId === userId;
    const resolved = await this.resolve(actor, ref, leaving ? 0 : AccessLevel.MAINTAINER);
    const existing = await this.ctx.members.find(this.ctx.manager, resolved.source, userId);
    if (!existing) throw IamError.notFound('Member');
    if (existing.accessLevel === AccessLevel.OWNER) {
      if (!leaving && resolved.level < AccessLevel.OWNER) throw IamError.forbidden();
      await this.checkNotLastOwner(resolved, userId);
    }
    await this.ctx.transaction(async (db) => {
      await this.ctx.members.delete(db, resolved.source, userId);
      await this.recordChange(db, user, origin, 'member_removed', resolved, existing, false);
    });
  }

  /** The audit row of a membership change, in the change's transaction; `withLevel` adds the level and expiry it now has. */
  private recordChange(db: EntityManager, author: Actor, origin: ChangeOrigin, eventName: string, resolved: ResolvedSource, member: MemberRecord, withLevel = true): Promise<void> {
    const { source } = resolved;
    return this.ctx.audit.append(db, {
      author: authorOf(author),
      eventName,
      entity: { type: source.type === 'project' ? 'Project' : 'Group', id: source.id, path: resolved.label },
      target: { type: 'User', id: member.userId, details: member.user.username },
      details: withLevel ? { access_level: member.accessLevel, expires_at: member.expiresAt } : {},
      ipAddress: origin.ipAddress,
    });
  }

  private async resolve(actor: Actor | null, ref: SourceRef, minLevel = 0): Promise<ResolvedSource> {
    if (ref.kind === 'project') {
      const { project, level } = await this.access.requireProject(actor, ref.ref, minLevel);
      return { source: projectSource(project), level, label: project.fullPath };
    }
    const { group, level } = await this.access.requireGroup(actor, ref.ref, minLevel);
    return { source: groupSource(group), level, label: group.fullPath };
  }

  /** GitLab refuses a direct membership below what the user already inherits from a parent group. */
  private async checkNotBelowInherited(source: MemberSource, userId: number, level: number): Promise<void> {
    const inherited = await this.ctx.members.inheritedLevel(this.ctx.manager, source, userId);
    if (inherited.level > level && inherited.groupId !== null) {
      const group = await this.ctx.namespaces.findById(this.ctx.manager, inherited.groupId);
      throw IamError.invalid(
        `should be greater than or equal to ${accessLevelName(inherited.level)} inherited membership from group ${group?.fullPath ?? inherited.groupId}`,
        'access_level',
      );
    }
  }

  /** A group must keep at least one Owner. */
  private async checkNotLastOwner(resolved: ResolvedSource, _userId: number): Promise<void> {
    if (resolved.source.type !== 'group') return;
    const owners = await this.ctx.members.countOwners(this.ctx.manager, resolved.source.id);
    if (owners <= 1) throw IamError.forbidden('A group must have at least one owner');
  }
}

function checkLevel(level: number): void {
  if (!isMemberAccessLevel(level)) throw IamError.invalid('does not have a valid value', 'access_level');
}
