import { Body, Delete, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppConfig } from '@cargohold/config';
import { Actor, IamServices } from '@cargohold/iam';
import { APP_CONFIG } from '@cargohold/platform';
import { CurrentActor } from '../rest/current-actor.decorator';
import { paginate, PaginationQuery } from '../rest/pagination';
import { ParseIdPipe, resourceRef } from '../rest/parse-id.pipe';
import { RestController } from '../rest/rest-controller.decorator';
import { AddAllowlistProjectDto } from './dto/ci.dto';
import { presentProjectSimple } from './presenters/project.presenter';

/** The CI/CD job token inbound allowlist (`/projects/:id/job_token_scope/allowlist`). */
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
}
