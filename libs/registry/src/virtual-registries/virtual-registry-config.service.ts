import { DataSource, EntityManager } from 'typeorm';
import { checkWebhookUrl, HostResolver } from '../webhooks/webhook-url-guard';
import { WebhookUrlError } from '../webhooks/webhook-errors';
import { WebhookRepository } from '../webhooks/webhook.repository';
import { decodeCacheEntryId } from './cache-entry-id';
import { PullThroughCatalog } from './pull-through-catalog';
import { VirtualRegistryError } from './virtual-registry-error';
import {
  MAX_CACHE_VALIDITY_HOURS,
  MAX_DESCRIPTION_LENGTH,
  MAX_NAME_LENGTH,
  MAX_REGISTRIES_PER_GROUP,
  MAX_UPSTREAMS_PER_REGISTRY,
  MAX_URL_LENGTH,
} from './virtual-registry-limits';
import { CacheEntryRow, DependencyProxySettingsRow, RegistryUpstreamRow, UpstreamRow, VirtualRegistryRow } from './virtual-registry-rows';

export interface UpstreamInput {
  url?: string;
  name?: string;
  description?: string;
  cacheValidityHours?: number;
  username?: string;
  password?: string;
}

export interface DependencyProxySettingsInput {
  enabled?: boolean;
  identity?: string | null;
  secret?: string | null;
  ttlPolicyEnabled?: boolean;
  ttlDays?: number;
}

/** The dependency proxy's settings as the API shows them: the Docker Hub identity, never its secret. */
export interface DependencyProxySettings extends DependencyProxySettingsRow {
  identity: string | null;
}

export interface PullThroughOptions {
  /** GC_REVIEW_DELAY: removed entries' blobs are reviewed this long after, so a pull still reading them finishes. */
  reviewDelaySeconds: number;
  resolve?: HostResolver;
}

/**
 * Configuration of container virtual registries, their upstreams and cache, and the group dependency proxy: the rules
 * GitLab's models enforce (limits, lengths, credentials together, one upstream per URL and credentials in a group),
 * the SSRF guard on upstream URLs (the webhook one), sealed passwords, and cache removal that leaves the bytes to GC.
 * Callers have authorised the group (`groupOf*` name it); ids of another group's objects are the caller's to refuse.
 */
export class VirtualRegistryConfigService {
  private readonly settings = new WebhookRepository();

  constructor(
    private readonly db: DataSource,
    private readonly catalog: PullThroughCatalog,
    private readonly options: PullThroughOptions,
  ) {}

  private get manager(): EntityManager {
    return this.db.manager;
  }

  // --- which group an object belongs to (for the caller's authorisation) ---

  async registry(id: number): Promise<VirtualRegistryRow> {
    const registry = await this.catalog.registries.find(this.manager, id);
    if (!registry) throw VirtualRegistryError.notFound('Registry');
    return registry;
  }

  async upstream(id: number): Promise<UpstreamRow> {
    const upstream = await this.catalog.upstreams.find(this.manager, id);
    if (!upstream) throw VirtualRegistryError.notFound('Upstream');
    return upstream;
  }

  async association(id: number): Promise<{ association: RegistryUpstreamRow; groupId: number }> {
    const association = await this.catalog.registries.findAssociation(this.manager, id);
    if (!association) throw VirtualRegistryError.notFound('Registry upstream');
    return { association, groupId: (await this.registry(association.registryId)).groupId };
  }

  /** A cache entry named by its GitLab id; with its upstream, for the group. */
  async cacheEntry(encodedId: string): Promise<{ entry: CacheEntryRow; upstream: UpstreamRow }> {
    const key = decodeCacheEntryId(encodedId);
    const upstream = key ? await this.catalog.upstreams.find(this.manager, key.upstreamId) : null;
    const entry = key && upstream ? await this.catalog.entries.find(this.manager, key.upstreamId, key.relativePath) : null;
    if (!entry || !upstream) throw VirtualRegistryError.notFound('Cache entry');
    return { entry, upstream };
  }

  // --- registries ---

  listRegistries(groupId: number): Promise<VirtualRegistryRow[]> {
    return this.catalog.registries.listByGroup(this.manager, groupId);
  }

  async createRegistry(groupId: number, input: { name?: string; description?: string }): Promise<VirtualRegistryRow> {
    const name = requireName(input.name);
    const description = checkDescription(input.description) ?? '';
    return this.db.transaction(async (tx) => {
      await this.catalog.registries.lockGroup(tx, groupId);
      const existing = await this.catalog.registries.listByGroup(tx, groupId);
      if (existing.length >= MAX_REGISTRIES_PER_GROUP) {
        throw VirtualRegistryError.invalid('group', `${MAX_REGISTRIES_PER_GROUP} registries is the maximum allowed per group.`);
      }
      if (existing.some((registry) => registry.name === name)) throw VirtualRegistryError.invalid('name', 'has already been taken');
      return this.catalog.registries.create(tx, groupId, name, description);
    });
  }

  associations(registryId: number): Promise<RegistryUpstreamRow[]> {
    return this.catalog.registries.associations(this.manager, registryId);
  }

  async updateRegistry(registry: VirtualRegistryRow, input: { name?: string; description?: string }): Promise<VirtualRegistryRow> {
    if (input.name === undefined && input.description === undefined) {
      throw new VirtualRegistryError('BAD_REQUEST', '400 Bad request - name, description are missing, at least one parameter must be provided');
    }
    const name = input.name === undefined ? undefined : requireName(input.name);
    const description = checkDescription(input.description);
    return this.db.transaction(async (tx) => {
      await this.catalog.registries.lockGroup(tx, registry.groupId);
      if (name !== undefined && (await this.catalog.registries.listByGroup(tx, registry.groupId)).some((r) => r.name === name && r.id !== registry.id)) {
        throw VirtualRegistryError.invalid('name', 'has already been taken');
      }
      const updated = await this.catalog.registries.update(tx, registry.id, { name, description });
      if (!updated) throw VirtualRegistryError.notFound('Registry');
      return updated;
    });
  }

  /** GitLab: the registry goes with the upstreams no other registry uses, and their cache. */
  async deleteRegistry(registry: VirtualRegistryRow): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.catalog.registries.lockGroup(tx, registry.groupId);
      const exclusive = await this.catalog.upstreams.exclusiveToRegistry(tx, registry.id);
      await this.catalog.entries.deleteAll(tx, exclusive, this.options.reviewDelaySeconds);
      for (const upstreamId of exclusive) await this.catalog.upstreams.delete(tx, upstreamId);
      await this.catalog.registries.delete(tx, registry.id);
    });
  }

  /** Empties the cache of the registry's exclusive upstreams (shared ones keep theirs). Returns entries removed. */
  async purgeRegistryCache(registry: VirtualRegistryRow): Promise<number> {
    return this.db.transaction(async (tx) =>
      this.catalog.entries.deleteAll(tx, await this.catalog.upstreams.exclusiveToRegistry(tx, registry.id), this.options.reviewDelaySeconds),
    );
  }

  // --- upstreams ---

  listGroupUpstreams(groupId: number, nameFilter: string | undefined, limit: number, offset: number) {
    const like = nameFilter ? `%${nameFilter.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
    return this.catalog.upstreams.listByGroup(this.manager, groupId, like, limit, offset);
  }

  /** The registry's upstreams in position order, each with its association. */
  async registryUpstreams(registryId: number): Promise<{ upstream: UpstreamRow; association: RegistryUpstreamRow }[]> {
    const associations = await this.catalog.registries.associations(this.manager, registryId);
    const upstreams = await this.catalog.registries.upstreamsInOrder(this.manager, registryId);
    return associations.map((association) => ({ association, upstream: upstreams.find((u) => u.id === association.upstreamId)! }));
  }

  associationsOfUpstream(upstreamId: number): Promise<RegistryUpstreamRow[]> {
    return this.catalog.registries.associationsOfUpstream(this.manager, upstreamId);
  }

  /** Creates an upstream in the registry's group and appends it to the registry's order. */
  async createUpstream(registry: VirtualRegistryRow, input: UpstreamInput): Promise<{ upstream: UpstreamRow; association: RegistryUpstreamRow }> {
    const url = await this.checkUrl(input.url);
    const name = requireName(input.name);
    const description = checkDescription(input.description) ?? '';
    const cacheValidityHours = checkValidity(input.cacheValidityHours) ?? 24;
    const credentials = credentialsOf(input);
    return this.db.transaction(async (tx) => {
      await this.catalog.registries.lockGroup(tx, registry.groupId);
      if ((await this.catalog.registries.associations(tx, registry.id)).length >= MAX_UPSTREAMS_PER_REGISTRY) {
        throw VirtualRegistryError.invalid('registry', `${MAX_UPSTREAMS_PER_REGISTRY} upstreams is the maximum allowed per registry.`);
      }
      await this.refuseDuplicate(tx, registry.groupId, url, credentials?.username ?? null, credentials?.password ?? null, null);
      let upstream = await this.catalog.upstreams.create(tx, { groupId: registry.groupId, url, name, description, cacheValidityHours });
      if (credentials) upstream = await this.storeCredentials(tx, upstream.id, credentials);
      const association = await this.catalog.registries.associate(tx, registry.id, upstream.id);
      return { upstream, association: association! };
    });
  }

  /** GitLab: a new URL without new credentials drops the old ones (they were meant for the old host). */
  async updateUpstream(upstream: UpstreamRow, input: UpstreamInput): Promise<UpstreamRow> {
    if (Object.values(input).every((value) => value === undefined)) {
      throw new VirtualRegistryError(
        'BAD_REQUEST',
        '400 Bad request - name, description, url, username, password, cache_validity_hours are missing, at least one parameter must be provided',
      );
    }
    const url = input.url === undefined ? undefined : await this.checkUrl(input.url);
    const name = input.name === undefined ? undefined : requireName(input.name);
    const description = checkDescription(input.description);
    const cacheValidityHours = checkValidity(input.cacheValidityHours);
    const credentials = credentialsOf(input);
    const urlChanged = url !== undefined && url !== upstream.url;
    return this.db.transaction(async (tx) => {
      await this.catalog.registries.lockGroup(tx, upstream.groupId);
      const credentialsGiven = input.username !== undefined || input.password !== undefined;
      if (urlChanged || credentialsGiven) {
        const username = credentialsGiven ? (credentials?.username ?? null) : urlChanged ? null : upstream.username;
        const password = credentialsGiven ? (credentials?.password ?? null) : null;
        await this.refuseDuplicate(tx, upstream.groupId, url ?? upstream.url!, username, password, upstream.id);
      }
      await this.catalog.upstreams.update(tx, upstream.id, { url, name, description, cacheValidityHours });
      if (credentialsGiven) await this.storeCredentials(tx, upstream.id, credentials);
      else if (urlChanged) await this.catalog.upstreams.setCredentials(tx, upstream.id, null);
      return (await this.catalog.upstreams.find(tx, upstream.id))!;
    });
  }

  /** Deletes the upstream and its cache; the registries that used it close the gap in their order. */
  async deleteUpstream(upstream: UpstreamRow): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.catalog.registries.lockGroup(tx, upstream.groupId);
      const registries = (await this.catalog.registries.associationsOfUpstream(tx, upstream.id)).map((a) => a.registryId);
      await this.catalog.entries.deleteAll(tx, [upstream.id], this.options.reviewDelaySeconds);
      await this.catalog.upstreams.delete(tx, upstream.id);
      for (const registryId of registries) await this.catalog.registries.compact(tx, registryId);
    });
  }

  async purgeUpstreamCache(upstream: UpstreamRow): Promise<number> {
    return this.db.transaction((tx) => this.catalog.entries.deleteAll(tx, [upstream.id], this.options.reviewDelaySeconds));
  }

  // --- associations ---

  async associate(registry: VirtualRegistryRow, upstream: UpstreamRow): Promise<RegistryUpstreamRow> {
    if (registry.groupId !== upstream.groupId) throw VirtualRegistryError.invalid('group', 'must be the same for the registry and the upstream');
    return this.db.transaction(async (tx) => {
      await this.catalog.registries.lockGroup(tx, registry.groupId);
      const existing = await this.catalog.registries.associations(tx, registry.id);
      if (existing.some((a) => a.upstreamId === upstream.id)) throw VirtualRegistryError.invalid('upstream_id', 'has already been taken');
      if (existing.length >= MAX_UPSTREAMS_PER_REGISTRY) {
        throw VirtualRegistryError.invalid('registry', `${MAX_UPSTREAMS_PER_REGISTRY} upstreams is the maximum allowed per registry.`);
      }
      return (await this.catalog.registries.associate(tx, registry.id, upstream.id))!;
    });
  }

  async move(association: RegistryUpstreamRow, groupId: number, position: number): Promise<RegistryUpstreamRow> {
    return this.db.transaction(async (tx) => {
      await this.catalog.registries.lockGroup(tx, groupId);
      const moved = await this.catalog.registries.move(tx, association.id, position);
      if (!moved) throw VirtualRegistryError.notFound('Registry upstream');
      return moved;
    });
  }

  async disassociate(association: RegistryUpstreamRow, groupId: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.catalog.registries.lockGroup(tx, groupId);
      await this.catalog.registries.disassociate(tx, association.id);
    });
  }

  // --- cache entries ---

  listEntries(upstreamId: number, search: string | undefined, limit: number, offset: number) {
    return this.catalog.entries.list(this.manager, upstreamId, search ? search : null, limit, offset);
  }

  async deleteEntry(entry: CacheEntryRow): Promise<void> {
    await this.db.transaction((tx) => this.catalog.entries.delete(tx, entry.upstreamId, entry.relativePath, this.options.reviewDelaySeconds));
  }

  // --- the group dependency proxy ---

  async dependencyProxySettings(groupId: number): Promise<DependencyProxySettings> {
    const settings = await this.catalog.dependencyProxySettings.get(this.manager, groupId);
    const upstream = await this.catalog.upstreams.findDependencyProxy(this.manager, groupId);
    return { ...settings, identity: upstream?.username ?? null };
  }

  async updateDependencyProxySettings(groupId: number, input: DependencyProxySettingsInput): Promise<DependencyProxySettings> {
    if (input.ttlDays !== undefined && (!Number.isInteger(input.ttlDays) || input.ttlDays < 1 || input.ttlDays > 365)) {
      throw VirtualRegistryError.invalid('ttl', 'must be an integer between 1 and 365');
    }
    const credentialsGiven = input.identity !== undefined || input.secret !== undefined;
    const credentials = credentialsGiven ? credentialsOf({ username: input.identity ?? '', password: input.secret ?? '' }, 'identity', 'secret') : null;
    await this.db.transaction(async (tx) => {
      await this.catalog.dependencyProxySettings.update(tx, groupId, { enabled: input.enabled, ttlPolicyEnabled: input.ttlPolicyEnabled, ttlDays: input.ttlDays });
      if (credentialsGiven) {
        const upstream = await this.catalog.upstreams.dependencyProxyUpstream(tx, groupId);
        await this.storeCredentials(tx, upstream.id, credentials);
      }
    });
    return this.dependencyProxySettings(groupId);
  }

  /** DELETE /groups/:id/dependency_proxy/cache: every cached manifest and blob of the group's proxy. */
  async purgeDependencyProxy(groupId: number): Promise<number> {
    return this.db.transaction(async (tx) => {
      const upstream = await this.catalog.upstreams.findDependencyProxy(tx, groupId);
      return upstream ? this.catalog.entries.deleteAll(tx, [upstream.id], this.options.reviewDelaySeconds) : 0;
    });
  }

  groupCacheBytes(groupId: number): Promise<number> {
    return this.catalog.entries.groupUsage(this.manager, groupId);
  }

  // --- helpers ---

  private async checkUrl(raw: string | undefined): Promise<string> {
    if (raw === undefined || raw.trim() === '') throw VirtualRegistryError.invalid('url', "can't be blank");
    if (raw.length > MAX_URL_LENGTH) throw VirtualRegistryError.invalid('url', `is too long (maximum is ${MAX_URL_LENGTH} characters)`);
    try {
      const { url } = await checkWebhookUrl(raw, { allowLocal: await this.settings.allowLocalRequests(this.manager), resolve: this.options.resolve });
      if (url.username || url.password) throw VirtualRegistryError.invalid('url', 'must not contain credentials: use username and password');
      if (url.search || url.hash) throw VirtualRegistryError.invalid('url', 'must not have a query or fragment');
    } catch (error) {
      if (error instanceof WebhookUrlError) throw VirtualRegistryError.invalid('url', error.message);
      throw error;
    }
    return raw.replace(/\/+$/, '');
  }

  /** GitLab: two upstreams of a group may not share URL and credentials. Passwords are compared opened. */
  private async refuseDuplicate(tx: EntityManager, groupId: number, url: string, username: string | null, password: string | null, except: number | null) {
    for (const other of await this.catalog.upstreams.findByUrl(tx, groupId, url)) {
      if (other.id === except || other.username !== username) continue;
      const otherPassword = other.passwordSealed ? this.catalog.credentials.open(other.id, other.passwordSealed) : null;
      if (otherPassword === password) throw VirtualRegistryError.invalid('group', 'already has an upstream with the same URL and credentials');
    }
  }

  private async storeCredentials(tx: EntityManager, upstreamId: number, credentials: { username: string; password: string } | null): Promise<UpstreamRow> {
    await this.catalog.upstreams.setCredentials(
      tx,
      upstreamId,
      credentials ? { username: credentials.username, passwordSealed: this.catalog.credentials.seal(upstreamId, credentials.password) } : null,
    );
    return (await this.catalog.upstreams.find(tx, upstreamId, null))!;
  }
}

function requireName(name: string | undefined): string {
  if (name === undefined || name.trim() === '') throw VirtualRegistryError.invalid('name', "can't be blank");
  if (name.length > MAX_NAME_LENGTH) throw VirtualRegistryError.invalid('name', `is too long (maximum is ${MAX_NAME_LENGTH} characters)`);
  return name;
}

function checkDescription(description: string | undefined): string | undefined {
  if (description !== undefined && description.length > MAX_DESCRIPTION_LENGTH) {
    throw VirtualRegistryError.invalid('description', `is too long (maximum is ${MAX_DESCRIPTION_LENGTH} characters)`);
  }
  return description;
}

function checkValidity(hours: number | undefined): number | undefined {
  if (hours !== undefined && (!Number.isInteger(hours) || hours < 0 || hours > MAX_CACHE_VALIDITY_HOURS)) {
    throw VirtualRegistryError.invalid('cache_validity_hours', `must be an integer between 0 and ${MAX_CACHE_VALIDITY_HOURS}`);
  }
  return hours;
}

/**
 * Username and password together or not at all (GitLab's upstream validation); both empty clears them. Null: none.
 */
function credentialsOf(input: { username?: string; password?: string }, userField = 'username', secretField = 'password'): { username: string; password: string } | null {
  const username = input.username ?? '';
  const password = input.password ?? '';
  if (username === '' && password === '') return null;
  if (username === '') throw VirtualRegistryError.invalid(userField, "can't be blank");
  if (password === '') throw VirtualRegistryError.invalid(secretField, "can't be blank");
  if (username.length > MAX_NAME_LENGTH) throw VirtualRegistryError.invalid(userField, `is too long (maximum is ${MAX_NAME_LENGTH} characters)`);
  if (password.length > MAX_NAME_LENGTH) throw VirtualRegistryError.invalid(secretField, `is too long (maximum is ${MAX_NAME_LENGTH} characters)`);
  return { username, password };
}
