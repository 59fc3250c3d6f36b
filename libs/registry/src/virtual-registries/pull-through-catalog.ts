import { DataSource } from 'typeorm';
import { CacheEntryRepository } from './cache-entry.repository';
import { DependencyProxySettingsRepository } from './dependency-proxy-settings.repository';
import { UpstreamCredentials } from './upstream-credentials';
import { UpstreamRepository } from './upstream.repository';
import { VirtualRegistryRepository } from './virtual-registry.repository';
import { UpstreamRow } from './virtual-registry-rows';

/** Everything a pull through the cache needs to know about one upstream, credentials opened. */
export interface UpstreamTarget {
  upstreamId: number;
  groupId: number;
  /** Base URL of the upstream registry (its /v2/ is below it). */
  url: string;
  cacheValidityHours: number;
  /** null: anonymous (or the Docker token flow's anonymous token). */
  credentials: { username: string; password: string } | null;
  /** Docker Hub's rule: a one-segment image name is under `library/` (dependency proxy only). */
  libraryPrefix: boolean;
  /** Changes whenever url or credentials may have: the engine keys its upstream token cache on it. */
  updatedAt: Date;
}

/**
 * The pull side's view of the configuration: which upstreams a virtual registry tries in order, and a group's
 * dependency proxy upstream. The data access objects are exposed for the cache bookkeeping (`entries`).
 */
export class PullThroughCatalog {
  readonly registries = new VirtualRegistryRepository();
  readonly upstreams = new UpstreamRepository();
  readonly entries = new CacheEntryRepository();
  readonly dependencyProxySettings = new DependencyProxySettingsRepository();

  constructor(
    readonly db: DataSource,
    readonly credentials: UpstreamCredentials,
    /** DEPENDENCY_PROXY_UPSTREAM_URL: Docker Hub, or a registry standing in for it. */
    private readonly dependencyProxyUrl: string,
  ) {}

  /** A virtual registry's upstreams in position order; null when the registry does not exist. */
  async registryTargets(registryId: number): Promise<{ groupId: number; targets: UpstreamTarget[] } | null> {
    const registry = await this.registries.find(this.db.manager, registryId);
    if (!registry) return null;
    const rows = await this.registries.upstreamsInOrder(this.db.manager, registryId);
    return { groupId: registry.groupId, targets: rows.map((row) => this.target(row)) };
  }

  /** The dependency proxy of the top-level group at `path` (created on first use); null: no such group, or disabled. */
  async dependencyProxyTargetByPath(path: string): Promise<UpstreamTarget | null> {
    const groupId = await this.registries.topLevelGroupId(this.db.manager, path);
    return groupId === null ? null : this.dependencyProxyTarget(groupId);
  }

  /** The group's dependency proxy upstream (created on first use); null when the group disabled its proxy. */
  async dependencyProxyTarget(groupId: number): Promise<UpstreamTarget | null> {
    const settings = await this.dependencyProxySettings.get(this.db.manager, groupId);
    if (!settings.enabled) return null;
    return this.target(await this.upstreams.dependencyProxyUpstream(this.db.manager, groupId));
  }

  target(row: UpstreamRow): UpstreamTarget {
    const password = row.username && row.passwordSealed ? this.credentials.open(row.id, row.passwordSealed) : null;
    return {
      upstreamId: row.id,
      groupId: row.groupId,
      url: row.kind === 'dependency_proxy' ? this.dependencyProxyUrl : (row.url ?? ''),
      cacheValidityHours: row.cacheValidityHours,
      credentials: row.username && password !== null ? { username: row.username, password } : null,
      libraryPrefix: row.kind === 'dependency_proxy',
      updatedAt: row.updatedAt,
    };
  }
}
