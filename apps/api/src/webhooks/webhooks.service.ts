import { DataSource } from 'typeorm';
import { AccessLevel, Actor, IamError, IamServices, PageRequest, Paged, requireAdmin, ResourceRef } from '@cargohold/iam';
import { checkWebhookUrl, DeliveryRecord, WebhookChanges, WebhookDispatcher, WebhookOwner, WebhookRecord, WebhookRepository } from '@cargohold/registry';
import { GITLAB_HOOK_FLAGS, WebhookBodyDto } from './webhook.dto';

export type HookOwnerKind = WebhookOwner['kind'];

/**
 * Project and group webhooks: who may manage them (project Maintainer+, group Owner, as GitLab), the SSRF check of
 * their URL, the delivery log and test deliveries; plus the instance setting that lets hooks reach local addresses.
 */
export class WebhooksService {
  constructor(
    private readonly iam: IamServices,
    private readonly db: DataSource,
    private readonly hooks: WebhookRepository,
    private readonly dispatcher: WebhookDispatcher,
  ) {}

  async list(actor: Actor | null, kind: HookOwnerKind, ref: ResourceRef, page: PageRequest): Promise<Paged<WebhookRecord>> {
    const { owner } = await this.owner(actor, kind, ref);
    return this.hooks.list(this.db.manager, owner, page.limit, page.offset);
  }

  async get(actor: Actor | null, kind: HookOwnerKind, ref: ResourceRef, hookId: number): Promise<WebhookRecord> {
    const { owner } = await this.owner(actor, kind, ref);
    return this.require(owner, hookId);
  }

  async create(actor: Actor | null, kind: HookOwnerKind, ref: ResourceRef, body: WebhookBodyDto): Promise<WebhookRecord> {
    const { owner } = await this.owner(actor, kind, ref);
    if (!body.url) throw IamError.invalid('url is missing');
    await this.checkUrl(body.url);
    return this.hooks.insert(this.db.manager, owner, { ...changesOf(body), url: body.url });
  }

  /** GitLab: changing the URL without giving a token drops the old token (it was meant for the old receiver). */
  async update(actor: Actor | null, kind: HookOwnerKind, ref: ResourceRef, hookId: number, body: WebhookBodyDto): Promise<WebhookRecord> {
    const { owner } = await this.owner(actor, kind, ref);
    const existing = await this.require(owner, hookId);
    const changes = changesOf(body);
    if (body.url !== undefined && body.url !== existing.url) {
      await this.checkUrl(body.url);
      if (body.token === undefined) changes.token = null;
    }
    const updated = await this.hooks.update(this.db.manager, owner, hookId, changes);
    if (!updated) throw IamError.notFound('Hook');
    return updated;
  }

  async delete(actor: Actor | null, kind: HookOwnerKind, ref: ResourceRef, hookId: number): Promise<void> {
    const { owner } = await this.owner(actor, kind, ref);
    if (!(await this.hooks.delete(this.db.manager, owner, hookId))) throw IamError.notFound('Hook');
  }

  async deliveries(actor: Actor | null, kind: HookOwnerKind, ref: ResourceRef, hookId: number, status: string | undefined, page: PageRequest) {
    const { owner } = await this.owner(actor, kind, ref);
    const hook = await this.require(owner, hookId);
    const result: Paged<DeliveryRecord> = await this.hooks.listDeliveries(this.db.manager, hookId, statusFilter(status), page.limit, page.offset);
    return { hook, ...result };
  }

  /** Queues a sample `test` event to this hook; the worker delivers it like any other. */
  async test(actor: Actor | null, kind: HookOwnerKind, ref: ResourceRef, hookId: number, trigger: string): Promise<number> {
    const { owner, fullPath } = await this.owner(actor, kind, ref);
    if (trigger !== 'registry_events') throw IamError.invalid(`trigger does not have a valid value`);
    const hook = await this.require(owner, hookId);
    return this.dispatcher.dispatchTest(hook, { id: owner.id, fullPath }, { id: actor?.userId ?? null, name: actor?.username ?? null });
  }

  async settings(actor: Actor | null): Promise<{ allowLocalRequests: boolean }> {
    requireAdmin(actor);
    return { allowLocalRequests: await this.hooks.allowLocalRequests(this.db.manager) };
  }

  async updateSettings(actor: Actor | null, changes: { allowLocalRequests?: boolean }): Promise<{ allowLocalRequests: boolean }> {
    requireAdmin(actor);
    if (changes.allowLocalRequests !== undefined) await this.hooks.setAllowLocalRequests(this.db.manager, changes.allowLocalRequests);
    return this.settings(actor);
  }

  private async owner(actor: Actor | null, kind: HookOwnerKind, ref: ResourceRef): Promise<{ owner: WebhookOwner; fullPath: string }> {
    if (kind === 'project') {
      const { project } = await this.iam.access.requireProject(actor, ref, AccessLevel.MAINTAINER);
      return { owner: { kind, id: project.id }, fullPath: project.fullPath };
    }
    const { group } = await this.iam.access.requireGroup(actor, ref, AccessLevel.OWNER);
    return { owner: { kind, id: group.id }, fullPath: group.fullPath };
  }

  private async require(owner: WebhookOwner, hookId: number): Promise<WebhookRecord> {
    const hook = await this.hooks.find(this.db.manager, owner, hookId);
    if (!hook) throw IamError.notFound('Hook');
    return hook;
  }

  private async checkUrl(url: string): Promise<void> {
    await checkWebhookUrl(url, { allowLocal: await this.hooks.allowLocalRequests(this.db.manager) });
  }
}

function changesOf(body: WebhookBodyDto): WebhookChanges {
  const flags: Record<string, unknown> = {};
  for (const flag of [...GITLAB_HOOK_FLAGS, 'push_events_branch_filter', 'branch_filter_strategy', 'custom_webhook_template'] as const) {
    if (body[flag] !== undefined) flags[flag] = body[flag];
  }
  return {
    url: body.url,
    name: body.name,
    description: body.description,
    token: body.token,
    enableSslVerification: body.enable_ssl_verification,
    registryEvents: body.registry_events,
    flags,
  };
}

/** `status`: an HTTP code, GitLab's categories (successful, client_failure, server_failure), or our delivery states. */
function statusFilter(status: string | undefined): { status?: 'pending' | 'succeeded' | 'failed'; responseStatus?: [number, number] } {
  if (status === undefined || status === '') return {};
  if (/^\d{3}$/.test(status)) return { responseStatus: [Number(status), Number(status)] };
  switch (status) {
    case 'successful':
      return { responseStatus: [200, 299] };
    case 'client_failure':
      return { responseStatus: [400, 499] };
    case 'server_failure':
      return { responseStatus: [500, 599] };
    case 'pending':
    case 'succeeded':
    case 'failed':
      return { status };
    default:
      throw IamError.invalid('status does not have a valid value');
  }
}
