import { DataSource } from 'typeorm';
import { RepositoryQueryRepository } from '../management/repository-query.repository';
import { CacheEntryRepository } from '../virtual-registries/cache-entry.repository';
import { QuotaRepository } from './quota.repository';

export interface ProjectStorage {
  /** The project's own limit in bytes; null when the instance default applies, 0 for none. */
  ownLimit: number | null;
  /** The limit in force for the project itself (own or instance default); 0: none. */
  limit: number;
  /** Deduplicated bytes stored (the REST `container_registry_size`). */
  used: number;
}

export interface GroupStorage {
  /** 0: none. */
  limit: number;
  /** Deduplicated bytes of the registries of every project below the group (the REST `container_registry_size`). */
  registrySize: number;
  /** Deduplicated bytes the group's pull-through caches hold (virtual registries and the dependency proxy). */
  dependencyProxySize: number;
  /** What the limit is compared with: both together, a blob pushed and cached counted once. */
  used: number;
}

/**
 * Reading and setting storage limits with the usage they apply to. Who may do so is decided by the caller (the
 * api: administrators set, Reporters and up read); limits are bytes, validated at the edge.
 */
export class StorageLimitService {
  private readonly quotas = new QuotaRepository();
  private readonly repositories = new RepositoryQueryRepository();
  private readonly cacheEntries = new CacheEntryRepository();

  constructor(private readonly db: DataSource) {}

  async project(projectId: number): Promise<ProjectStorage> {
    const { own, effective } = await this.quotas.projectLimit(this.db.manager, projectId);
    const used = await this.repositories.storedSize(this.db.manager, [projectId]);
    return { ownLimit: own === null ? null : Number(own), limit: effective, used };
  }

  /** `projectIds`: every project below the group (its usage, deduplicated across them). */
  async group(groupId: number, projectIds: number[]): Promise<GroupStorage> {
    const limit = await this.quotas.groupLimit(this.db.manager, groupId);
    const registrySize = await this.repositories.storedSize(this.db.manager, projectIds);
    const dependencyProxySize = Number(await this.cacheEntries.groupUsage(this.db.manager, groupId));
    const used = await this.quotas.groupUsed(this.db.manager, groupId);
    return { limit, registrySize: Number(registrySize), dependencyProxySize, used };
  }

  setProjectLimit(projectId: number, limit: number | null): Promise<void> {
    return this.quotas.setProjectLimit(this.db.manager, projectId, limit);
  }

  setGroupLimit(groupId: number, limit: number): Promise<void> {
    return this.quotas.setGroupLimit(this.db.manager, groupId, limit);
  }

  defaultLimit(): Promise<number> {
    return this.quotas.defaultLimit(this.db.manager);
  }

  setDefaultLimit(limit: number): Promise<void> {
    return this.quotas.setDefaultLimit(this.db.manager, limit);
  }
}
