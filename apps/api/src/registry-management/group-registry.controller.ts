import { Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppConfig } from '@cargohold/config';
import { Actor } from '@cargohold/iam';
import { APP_CONFIG } from '@cargohold/platform';
import { CurrentActor } from '../rest/current-actor.decorator';
import { paginate, PaginationQuery } from '../rest/pagination';
import { resourceRef } from '../rest/parse-id.pipe';
import { RestController } from '../rest/rest-controller.decorator';
import { AllowAnonymous } from '../rest/route-access.decorator';
import { ApiOffsetPagination, RegistryApiDoc } from './api-docs.decorators';
import { presentRepository, presentUsage } from './registry-management.presenter';
import { RegistryRequests } from './registry-requests.service';

/** `/groups/:id/registry/...`: repositories of every project in the group and its subgroups. */
@RestController('groups')
export class GroupRegistryController {
  constructor(
    private readonly requests: RegistryRequests,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** GitLab removed `tags` and `tags_count` from this endpoint in 15.0; they are ignored here too. */
  @Get(':id/registry/repositories')
  @AllowAnonymous()
  @RegistryApiDoc('List the registry repositories of a group and its subgroups')
  @ApiOffsetPagination()
  async list(@CurrentActor() actor: Actor | null, @Param('id') id: string, @Query() query: PaginationQuery, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const items = await paginate(req, res, query, this.config.publicUrl, (page) => this.requests.groupRepositories(actor, resourceRef(id), page));
    return items.map((item) => presentRepository(item.repository, this.config.publicUrl, item.canAdmin));
  }

  @Get(':id/registry/statistics')
  @RegistryApiDoc('Registry storage of a group and its subgroups (Reporter of the group)')
  async statistics(@CurrentActor() actor: Actor | null, @Param('id') id: string) {
    return presentUsage(await this.requests.groupUsage(actor, resourceRef(id)));
  }
}
