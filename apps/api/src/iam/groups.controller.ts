import { Body, Delete, Get, HttpCode, Inject, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '@cargohold/config';
import { AccessLevel, Actor, ChangeOrigin, IamServices } from '@cargohold/iam';
import { CleanupPolicyService } from '@cargohold/registry';
import { APP_CONFIG } from '@cargohold/platform';
import { CurrentActor } from '../rest/current-actor.decorator';
import { paginate } from '../rest/pagination';
import { resourceRef } from '../rest/parse-id.pipe';
import { RestController } from '../rest/rest-controller.decorator';
import { AllowAnonymous } from '../rest/route-access.decorator';
import { RequestChangeOrigin } from '../rest/change-origin.decorator';
import { DeletionRequests } from './deletion-requests.service';
import { CreateGroupDto, ListGroupsQuery } from './dto/groups.dto';
import { ListGroupProjectsQuery, projectListOf } from './dto/projects.dto';
import { presentGroup } from './presenters/group.presenter';
import { presentProject } from './presenters/project.presenter';
import { StorageLimitsRequests } from '../storage-limits/storage-limits.service';
import { presentGroupStorage } from '../storage-limits/storage-limits.presenter';
import { UpdateGroupDto } from '../storage-limits/storage-limit.dto';
import { withPolicyChange } from '../cleanup/cleanup-policy-params';
import { presentStored } from '../cleanup/cleanup-policy.presenter';
import { GroupDetailEntity, GroupEntity } from './presenters/group.entity';

/** `/groups`: groups and nested subgroups. */
@RestController('groups')
export class GroupsController {
  constructor(
    private readonly iam: IamServices,
    private readonly deletions: DeletionRequests,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly storageLimits: StorageLimitsRequests,
    private readonly cleanupPolicies: CleanupPolicyService,
  ) {}

  @Get()
  @ApiOkResponse({ type: GroupEntity, isArray: true })
  @AllowAnonymous()
  async list(@CurrentActor() actor: Actor | null, @Req() req: Request, @Res({ passthrough: true }) res: Response, @Query() query: ListGroupsQuery) {
    const groups = await paginate(req, res, query, this.config.publicUrl, (page) =>
      this.iam.groups.list(actor, { search: query.search, topLevelOnly: query.top_level_only, membership: query.owned }, page),
    );
    return groups.map((group) => presentGroup(group, this.config.publicUrl));
  }

  @Post()
  async create(@CurrentActor() actor: Actor | null, @Body() body: CreateGroupDto) {
    const group = await this.iam.groups.create(actor, {
      name: body.name,
      path: body.path,
      parentId: body.parent_id ?? null,
      visibility: body.visibility,
      description: body.description,
    });
    return presentGroup(group, this.config.publicUrl);
  }

  @Get(':id')
  @ApiOkResponse({ type: GroupDetailEntity })
  @AllowAnonymous()
  async get(@CurrentActor() actor: Actor | null, @Param('id') id: string) {
    const { group, level } = await this.iam.access.requireGroup(actor, resourceRef(id));
    return { ...presentGroup(group, this.config.publicUrl), ...presentGroupStorage(await this.storageLimits.ofGroup(actor, group, level)) };
  }

  /**
   * GitLab's group edit: the group's default cleanup policy (Maintainer+) and the registry storage limit
   * (administrators). Answers the whole group entity, as GitLab's PUT does: python-gitlab's group.save() takes the
   * answer as the object's new attributes. The policy is validated before anything changes, so an invalid policy
   * leaves the group as it was.
   */
  @Put(':id')
  @ApiOkResponse({ type: GroupDetailEntity })
  async update(@CurrentActor() actor: Actor | null, @Param('id') id: string, @Body() body: UpdateGroupDto) {
    const storageLimit = body.container_registry_storage_limit;
    if (storageLimit !== undefined) this.storageLimits.assertMaySet(actor);
    const { group, level } = await this.iam.access.requireGroup(actor, resourceRef(id), AccessLevel.MAINTAINER);
    const target = { kind: 'group' as const, id: group.id };
    // Without attributes nothing changes (an empty update must not create a default policy for the group).
    const attributes = body.container_expiration_policy_attributes;
    if (attributes) await withPolicyChange(attributes, (change) => this.cleanupPolicies.validate(change));
    if (storageLimit !== undefined) await this.storageLimits.setForGroup(actor, group, storageLimit);
    const policy = attributes ? await withPolicyChange(attributes, (change) => this.cleanupPolicies.set(target, change)) : await this.cleanupPolicies.find(target);
    return {
      ...presentGroup(group, this.config.publicUrl),
      container_expiration_policy: policy ? presentStored(policy) : null,
      ...presentGroupStorage(await this.storageLimits.ofGroup(actor, group, level)),
    };
  }

  @Get(':id/subgroups')
  @AllowAnonymous()
  async subgroups(
    @CurrentActor() actor: Actor | null,
    @Param('id') id: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Query() query: ListGroupsQuery,
  ) {
    return this.listBelow('subgroups', actor, id, req, res, query);
  }

  /** Every visible group below this one, at any depth. */
  @Get(':id/descendant_groups')
  @AllowAnonymous()
  async descendantGroups(
    @CurrentActor() actor: Actor | null,
    @Param('id') id: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Query() query: ListGroupsQuery,
  ) {
    return this.listBelow('descendants', actor, id, req, res, query);
  }

  /** One page of the groups below group `id` that `listing` selects (direct children or every descendant), presented. */
  private async listBelow(
    listing: 'subgroups' | 'descendants',
    actor: Actor | null,
    id: string,
    req: Request,
    res: Response,
    query: ListGroupsQuery,
  ) {
    const groups = await paginate(req, res, query, this.config.publicUrl, (page) =>
      this.iam.groups[listing](actor, resourceRef(id), { search: query.search, membership: query.owned }, page),
    );
    return groups.map((group) => presentGroup(group, this.config.publicUrl));
  }

  /** The group's visible projects (and its subgroups' with `include_subgroups=true`). */
  @Get(':id/projects')
  @AllowAnonymous()
  async projects(
    @CurrentActor() actor: Actor | null,
    @Param('id') id: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Query() query: ListGroupProjectsQuery,
  ) {
    const { filter, order } = projectListOf(query);
    const projects = await paginate(req, res, query, this.config.publicUrl, (page) =>
      this.iam.projects.listInGroup(actor, resourceRef(id), { ...filter, includeSubgroups: query.include_subgroups }, order, page),
    );
    return projects.map((project) => presentProject(project, this.config.publicUrl));
  }

  /**
   * GitLab's group deletion (Owners): 202 Accepted, done by the worker (subgroups, projects and every image in
   * them through the repository-delete path). Until then pushes into the group's projects are denied.
   */
  @Delete(':id')
  @HttpCode(202)
  async delete(@CurrentActor() actor: Actor | null, @Param('id') id: string, @RequestChangeOrigin() origin: ChangeOrigin) {
    await this.deletions.deleteGroup(actor, resourceRef(id), origin);
    return { message: '202 Accepted' };
  }
}
