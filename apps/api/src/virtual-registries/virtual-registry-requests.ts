import { AccessLevel, Actor, IamServices, ResourceRef } from '@cargohold/iam';
import { VirtualRegistryConfigService, VirtualRegistryError } from '@cargohold/registry';
import type { NamespaceRecord } from '@cargohold/iam';

/**
 * Who may do what with virtual registries and the dependency proxy (GitLab): members with Guest or above of the
 * top-level group read, Maintainers and Owners manage; purging the dependency proxy is for Owners. An object of a
 * group the caller cannot see answers 404, as the group itself would.
 */
export class VirtualRegistryRequests {
  constructor(
    private readonly iam: IamServices,
    readonly config: VirtualRegistryConfigService,
  ) {}

  /** The top-level group named in the path, read by Guest+ or managed by Maintainer+. */
  async group(actor: Actor | null, ref: ResourceRef, manage: boolean | 'owner'): Promise<NamespaceRecord> {
    const { group } = await this.iam.access.requireGroup(actor, ref, levelFor(manage));
    if (group.parentId !== null) throw new VirtualRegistryError('BAD_REQUEST', '400 Bad request - group must be a top-level group');
    return group;
  }

  async registry(actor: Actor | null, id: number, manage: boolean) {
    const registry = await this.config.registry(id);
    await this.authorize(actor, registry.groupId, manage, 'Registry');
    return registry;
  }

  async upstream(actor: Actor | null, id: number, manage: boolean) {
    const upstream = await this.config.upstream(id);
    await this.authorize(actor, upstream.groupId, manage, 'Upstream');
    return upstream;
  }

  async association(actor: Actor | null, id: number) {
    const found = await this.config.association(id);
    await this.authorize(actor, found.groupId, true, 'Registry upstream');
    return found;
  }

  async cacheEntry(actor: Actor | null, id: string) {
    const found = await this.config.cacheEntry(id);
    await this.authorize(actor, found.upstream.groupId, true, 'Cache entry');
    return found;
  }

  /** Hides objects of groups the caller cannot see (404 like a missing one); refuses too low a role with 403. */
  private async authorize(actor: Actor | null, groupId: number, manage: boolean, what: string): Promise<void> {
    try {
      await this.iam.access.requireGroup(actor, groupId, levelFor(manage));
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === 'NOT_FOUND') throw VirtualRegistryError.notFound(what);
      throw error;
    }
  }
}

function levelFor(manage: boolean | 'owner'): number {
  return manage === 'owner' ? AccessLevel.OWNER : manage ? AccessLevel.MAINTAINER : AccessLevel.GUEST;
}
