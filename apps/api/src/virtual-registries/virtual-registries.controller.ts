import { Body, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppConfig } from '@cargohold/config';
import { Actor } from '@cargohold/iam';
import { APP_CONFIG } from '@cargohold/platform';
import { CurrentActor } from '../rest/current-actor.decorator';
import { paginate } from '../rest/pagination';
import { ParseIdPipe, resourceRef } from '../rest/parse-id.pipe';
import { RestController } from '../rest/rest-controller.decorator';
import { RestValidationError } from '../rest/rest-errors';
import { AssociationBodyDto, CacheEntryListQuery, PositionBodyDto, RegistryBodyDto, UpstreamBodyDto, UpstreamListQuery } from './virtual-registries.dto';
import { presentAssociation, presentCacheEntry, presentRegistry, presentUpstream } from './virtual-registries.presenter';
import { VirtualRegistryRequests } from './virtual-registry-requests';

const ID = new ParseIdPipe('id');
const GROUP = 'groups/:id/-/virtual_registries/container';
const VR = 'virtual_registries/container';

/** GitLab's container virtual registry API (doc/api/container_virtual_registries.md), under /api/v4. */
@RestController()
export class VirtualRegistriesController {
  constructor(
    private readonly requests: VirtualRegistryRequests,
    @Inject(APP_CONFIG) private readonly appConfig: AppConfig,
  ) {}

  private get config() {
    return this.requests.config;
  }

  @Get(`${GROUP}/registries`)
  async list(@CurrentActor() actor: Actor | null, @Param('id') id: string) {
    const group = await this.requests.group(actor, resourceRef(id), false);
    return (await this.config.listRegistries(group.id)).map(presentRegistry);
  }

  @Post(`${GROUP}/registries`)
  async create(@CurrentActor() actor: Actor | null, @Param('id') id: string, @Body() body: RegistryBodyDto) {
    if (body.name === undefined) throw new RestValidationError('name is missing');
    const group = await this.requests.group(actor, resourceRef(id), true);
    return presentRegistry(await this.config.createRegistry(group.id, body));
  }

  @Get(`${VR}/registries/:id`)
  async get(@CurrentActor() actor: Actor | null, @Param('id', ID) id: number) {
    const registry = await this.requests.registry(actor, id, false);
    const associations = await this.config.associations(registry.id);
    return { ...presentRegistry(registry), registry_upstreams: associations.map(({ id, position, upstreamId }) => ({ id, position, upstream_id: upstreamId })) };
  }

  @Patch(`${VR}/registries/:id`)
  async update(@CurrentActor() actor: Actor | null, @Param('id', ID) id: number, @Body() body: RegistryBodyDto) {
    const registry = await this.requests.registry(actor, id, true);
    return presentRegistry(await this.config.updateRegistry(registry, body));
  }

  @Delete(`${VR}/registries/:id`)
  @HttpCode(204)
  async remove(@CurrentActor() actor: Actor | null, @Param('id', ID) id: number): Promise<void> {
    await this.config.deleteRegistry(await this.requests.registry(actor, id, true));
  }

  @Delete(`${VR}/registries/:id/cache`)
  @HttpCode(204)
  async purgeRegistry(@CurrentActor() actor: Actor | null, @Param('id', ID) id: number): Promise<void> {
    await this.config.purgeRegistryCache(await this.requests.registry(actor, id, true));
  }

  @Get(`${GROUP}/upstreams`)
  async groupUpstreams(
    @CurrentActor() actor: Actor | null,
    @Param('id') id: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Query() query: UpstreamListQuery,
  ) {
    const group = await this.requests.group(actor, resourceRef(id), false);
    const upstreams = await paginate(req, res, query, this.appConfig.publicUrl, async (page) => {
      const { rows, total } = await this.config.listGroupUpstreams(group.id, query.upstream_name, page.limit, page.offset);
      return { items: rows, total };
    });
    return upstreams.map(presentUpstream);
  }

  @Get(`${VR}/registries/:id/upstreams`)
  async registryUpstreams(@CurrentActor() actor: Actor | null, @Param('id', ID) id: number) {
    const registry = await this.requests.registry(actor, id, false);
    return (await this.config.registryUpstreams(registry.id)).map(({ upstream, association }) => ({
      ...presentUpstream(upstream),
      registry_upstream: { id: association.id, registry_id: association.registryId, position: association.position },
    }));
  }

  @Post(`${VR}/registries/:id/upstreams`)
  async createUpstream(@CurrentActor() actor: Actor | null, @Param('id', ID) id: number, @Body() body: UpstreamBodyDto) {
    if (body.url === undefined) throw new RestValidationError('url is missing');
    if (body.name === undefined) throw new RestValidationError('name is missing');
    const registry = await this.requests.registry(actor, id, true);
    const { upstream, association } = await this.config.createUpstream(registry, upstreamInput(body));
    return { ...presentUpstream(upstream), registry_upstream: { id: association.id, registry_id: association.registryId, position: association.position } };
  }

  @Get(`${VR}/upstreams/:id`)
  async getUpstream(@CurrentActor() actor: Actor | null, @Param('id', ID) id: number) {
    const upstream = await this.requests.upstream(actor, id, false);
    const associations = await this.config.associationsOfUpstream(upstream.id);
    return {
      ...presentUpstream(upstream),
      registry_upstreams: associations.map(({ id, registryId, position }) => ({ id, registry_id: registryId, position })),
    };
  }

  @Patch(`${VR}/upstreams/:id`)
  async updateUpstream(@CurrentActor() actor: Actor | null, @Param('id', ID) id: number, @Body() body: UpstreamBodyDto) {
    const upstream = await this.requests.upstream(actor, id, true);
    return presentUpstream(await this.config.updateUpstream(upstream, upstreamInput(body)));
  }

  @Delete(`${VR}/upstreams/:id`)
  @HttpCode(204)
  async removeUpstream(@CurrentActor() actor: Actor | null, @Param('id', ID) id: number): Promise<void> {
    await this.config.deleteUpstream(await this.requests.upstream(actor, id, true));
  }

  @Delete(`${VR}/upstreams/:id/cache`)
  @HttpCode(204)
  async purgeUpstream(@CurrentActor() actor: Actor | null, @Param('id', ID) id: number): Promise<void> {
    await this.config.purgeUpstreamCache(await this.requests.upstream(actor, id, true));
  }

  @Post(`${VR}/registry_upstreams`)
  async associate(@CurrentActor() actor: Actor | null, @Body() body: AssociationBodyDto) {
    const registry = await this.requests.registry(actor, body.registry_id, true);
    const upstream = await this.requests.upstream(actor, body.upstream_id, true);
    return presentAssociation(await this.config.associate(registry, upstream));
  }

  @Patch(`${VR}/registry_upstreams/:id`)
  async move(@CurrentActor() actor: Actor | null, @Param('id', ID) id: number, @Body() body: PositionBodyDto) {
    const { association, groupId } = await this.requests.association(actor, id);
    return presentAssociation(await this.config.move(association, groupId, body.position));
  }

  @Delete(`${VR}/registry_upstreams/:id`)
  @HttpCode(204)
  async disassociate(@CurrentActor() actor: Actor | null, @Param('id', ID) id: number): Promise<void> {
    const { association, groupId } = await this.requests.association(actor, id);
    await this.config.disassociate(association, groupId);
  }

  @Get(`${VR}/upstreams/:id/cache_entries`)
  async cacheEntries(
    @CurrentActor() actor: Actor | null,
    @Param('id', ID) id: number,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Query() query: CacheEntryListQuery,
  ) {
    const upstream = await this.requests.upstream(actor, id, false);
    const entries = await paginate(req, res, query, this.appConfig.publicUrl, async (page) => {
      const { rows, total } = await this.config.listEntries(upstream.id, query.search, page.limit, page.offset);
      return { items: rows, total };
    });
    return entries.map((entry) => presentCacheEntry(entry, upstream.groupId));
  }

  /** The id is base64 and may hold `/`: the route takes the rest of the path. */
  @Delete(`${VR}/cache_entries/*id`)
  @HttpCode(204)
  async removeEntry(@CurrentActor() actor: Actor | null, @Param('id') id: string | string[]): Promise<void> {
    const { entry } = await this.requests.cacheEntry(actor, Array.isArray(id) ? id.join('/') : id);
    await this.config.deleteEntry(entry);
  }
}

function upstreamInput(body: UpstreamBodyDto) {
  return {
    url: body.url,
    name: body.name,
    description: body.description,
    cacheValidityHours: body.cache_validity_hours,
    username: body.username,
    password: body.password,
  };
}
