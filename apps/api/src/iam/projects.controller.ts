import { Body, Delete, Get, HttpCode, Inject, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '@cargohold/config';
import { AccessLevel, Actor, IamServices } from '@cargohold/iam';
import { APP_CONFIG } from '@cargohold/platform';
import { CurrentActor } from '../rest/current-actor.decorator';
import { paginate } from '../rest/pagination';
import { resourceRef } from '../rest/parse-id.pipe';
import { RestController } from '../rest/rest-controller.decorator';
import { AllowAnonymous, AllowJobToken } from '../rest/route-access.decorator';
import { CreateProjectDto, GetProjectQuery, ListProjectsQuery, requestedRegistryAccess, UpdateProjectDto } from './dto/projects.dto';
import { presentProject } from './presenters/project.presenter';
import { presentProjectStatistics } from './presenters/project-statistics.presenter';
import { ProjectStatisticsService } from './project-statistics.service';
import { CleanupPolicyService, RegistryContext, registryBeforeProjectDelete } from '@cargohold/registry';
import { presentEffective } from '../cleanup/cleanup-policy.presenter';
import { withPolicyChange } from '../cleanup/cleanup-policy-params';
import { StorageLimitsRequests } from '../storage-limits/storage-limits.service';
import { presentProjectStorage } from '../storage-limits/storage-limits.presenter';
import { ProjectDetailEntity, ProjectEntity } from './presenters/project.entity';

/** `/projects`: projects in user namespaces and groups. */
@RestController('projects')
export class ProjectsController {
  constructor(
    private readonly iam: IamServices,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly cleanupPolicies: CleanupPolicyService,
    private readonly statistics: ProjectStatisticsService,
    private readonly registry: RegistryContext,
    private readonly storageLimits: StorageLimitsRequests,
  ) {}

  @Get()
  @ApiOkResponse({ type: ProjectEntity, isArray: true })
  @AllowAnonymous()
  async list(@CurrentActor() actor: Actor | null, @Req() req: Request, @Res({ passthrough: true }) res: Response, @Query() query: ListProjectsQuery) {
    const minAccessLevel = query.owned ? AccessLevel.OWNER : (query.min_access_level ?? (query.membership ? AccessLevel.GUEST : undefined));
    const projects = await paginate(req, res, query, this.config.publicUrl, (page) =>
      this.iam.projects.list(
        actor,
        { search: query.search, visibility: query.visibility, minAccessLevel },
        { by: query.order_by ?? 'created_at', desc: (query.sort ?? 'desc') === 'desc' },
        page,
      ),
    );
    return projects.map((project) => presentProject(project, this.config.publicUrl));
  }

  @Post()
  async create(@CurrentActor() actor: Actor | null, @Body() body: CreateProjectDto) {
    const project = await this.iam.projects.create(actor, {
      name: body.name,
      path: body.path,
      namespaceId: body.namespace_id,
      visibility: body.visibility,
      description: body.description,
      containerRegistryAccessLevel: requestedRegistryAccess(body),
    });
    return presentProject(project, this.config.publicUrl);
  }

  /**
   * GitLab's project edit; answers the whole project entity. The cleanup policy is checked before the project
   * changes, so an invalid policy leaves the project as it was.
   */
  @Put(':id')
  @ApiOkResponse({ type: ProjectDetailEntity })
  async update(@CurrentActor() actor: Actor | null, @Param('id') id: string, @Body() body: UpdateProjectDto) {
    const policyAttributes = body.container_expiration_policy_attributes;
    if (policyAttributes) await withPolicyChange(policyAttributes, (change) => this.cleanupPolicies.validate(change));
    const storageLimit = body.container_registry_storage_limit;
    if (storageLimit !== undefined) this.storageLimits.assertMaySet(actor);
    const { project, level } = await this.iam.projects.update(actor, resourceRef(id), {
      name: body.name,
      path: body.path,
      description: body.description,
      visibility: body.visibility,
      containerRegistryAccessLevel: requestedRegistryAccess(body),
    });
    if (policyAttributes) await withPolicyChange(policyAttributes, (change) => this.cleanupPolicies.set({ kind: 'project', id: project.id }, change));
    if (storageLimit !== undefined) await this.storageLimits.setForProject(actor, project, storageLimit);
    const policy = presentEffective(await this.cleanupPolicies.effectiveForProject(project.id));
    const storage = presentProjectStorage(await this.storageLimits.ofProject(actor, project, level));
    return { ...presentProject(project, this.config.publicUrl, level), container_expiration_policy: policy, ...storage };
  }

  @Get(':id')
  @ApiOkResponse({ type: ProjectDetailEntity })
  @AllowAnonymous()
  @AllowJobToken()
  async get(@CurrentActor() actor: Actor | null, @Param('id') id: string, @Query() query: GetProjectQuery) {
    const { project, level } = await this.iam.projects.get(actor, resourceRef(id));
    const policy = presentEffective(await this.cleanupPolicies.effectiveForProject(project.id));
    const usage = query.statistics ? await this.statistics.forProject(project, level) : null;
    return {
      ...presentProject(project, this.config.publicUrl, actor ? level : undefined),
      container_expiration_policy: policy,
      ...presentProjectStorage(await this.storageLimits.ofProject(actor, project, level)),
      ...(usage ? { statistics: presentProjectStatistics(usage) } : {}),
    };
  }

  /** GitLab answers 202 Accepted (its deletion is asynchronous; ours is done when this returns). */
  @Delete(':id')
  @HttpCode(202)
  async delete(@CurrentActor() actor: Actor | null, @Param('id') id: string) {
    // The project's blobs are queued for GC review in the deleting transaction (the cascade leaves them unlinked).
    await this.iam.projects.delete(actor, resourceRef(id), registryBeforeProjectDelete(this.registry));
    // The delete cascaded to the project's repositories: manifest caches must stop serving them.
    await this.registry.changes.repositoriesChanged('all');
    return { message: '202 Accepted' };
  }
}
