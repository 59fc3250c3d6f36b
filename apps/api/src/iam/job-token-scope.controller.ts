import { Body, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppConfig } from '@cargohold/config';
import { Actor, IamServices } from '@cargohold/iam';
import { APP_CONFIG } from '@cargohold/platform';
import { CurrentActor } from '../rest/current-actor.decorator';
import { paginate, PaginationQuery } from '../rest/pagination';
import { ParseIdPipe, resourceRef } from '../rest/parse-id.pipe';
import { RestController } from '../rest/rest-controller.decorator';
import { AddAllowlistGroupDto, AddAllowlistProjectDto, PatchJobTokenScopeDto } from './dto/ci.dto';
import { presentGroupSimple } from './presenters/group.presenter';
import { presentProjectSimple } from './presenters/project.presenter';

/** The CI/CD job token scope: settings, project allowlist and groups allowlist (`/projects/:id/job_token_scope`). */
@RestController('projects')
export class JobTokenScopeController {
  constructor(
    private readonly iam: IamServices,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get(':id/job_token_scope/allowlist')
  async list(@CurrentActor() actor: Actor | null, @Param('id') id: string, @Req() req: Request, @Res({ passthrough: true }) res: Response, @Query() query: PaginationQuery) {
    const projects = await paginate(req, res, query, this.config.publicUrl, (page) => this.iam.jobTokenScope.list(actor, resourceRef(id), page));
    return projects.map((project) => presentProjectSimple(project, this.config.publicUrl));
  }

  @Post(':id/job_token_scope/allowlist')
  async add(@CurrentActor() actor: Actor | null, @Param('id') id: string, @Body() body: AddAllowlistProjectDto) {
    const link = await this.iam.jobTokenScope.add(actor, resourceRef(id), body.target_project_id);
    return { source_project_id: link.sourceProjectId, target_project_id: link.targetProjectId };
  }

  @Delete(':id/job_token_scope/allowlist/:target_project_id')
  @HttpCode(204)
  async remove(
    @CurrentActor() actor: Actor | null,
    @Param('id') id: string,
    @Param('target_project_id', new ParseIdPipe('target_project_id')) targetProjectId: number,
  ): Promise<void> {
    await this.iam.jobTokenScope.remove(actor, resourceRef(id), targetProjectId);
  }

  @Get(':id/job_token_scope')
  async settings(@CurrentActor() actor: Actor | null, @Param('id') id: string) {
    const scope = await this.iam.jobTokenScope.settings(actor, resourceRef(id));
    return { inbound_enabled: scope.inboundEnabled, outbound_enabled: scope.outboundEnabled };
  }

  @Patch(':id/job_token_scope')
  @HttpCode(204)
  async update(@CurrentActor() actor: Actor | null, @Param('id') id: string, @Body() body: PatchJobTokenScopeDto): Promise<void> {
    await this.iam.jobTokenScope.setInboundEnabled(actor, resourceRef(id), body.enabled);
  }

  @Get(':id/job_token_scope/groups_allowlist')
  async listGroups(@CurrentActor() actor: Actor | null, @Param('id') id: string, @Req() req: Request, @Res({ passthrough: true }) res: Response, @Query() query: PaginationQuery) {
    const groups = await paginate(req, res, query, this.config.publicUrl, (page) => this.iam.jobTokenScope.listGroups(actor, resourceRef(id), page));
    return groups.map((group) => presentGroupSimple(group, this.config.publicUrl));
  }

  @Post(':id/job_token_scope/groups_allowlist')
  async addGroup(@CurrentActor() actor: Actor | null, @Param('id') id: string, @Body() body: AddAllowlistGroupDto) {
    const link = await this.iam.jobTokenScope.addGroup(actor, resourceRef(id), body.target_group_id);
    return { source_project_id: link.sourceProjectId, target_group_id: link.targetGroupId };
  }

  @Delete(':id/job_token_scope/groups_allowlist/:target_group_id')
  @HttpCode(204)
  async removeGroup(
    @CurrentActor() actor: Actor | null,
    @Param('id') id: string,
    @Param('target_group_id', new ParseIdPipe('target_group_id')) targetGroupId: number,
  ): Promise<void> {
    await this.iam.jobTokenScope.removeGroup(actor, resourceRef(id), targetGroupId);
  }
}
