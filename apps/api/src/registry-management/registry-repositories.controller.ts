import { Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '@cargohold/config';
import { Actor } from '@cargohold/iam';
import { APP_CONFIG } from '@cargohold/platform';
import { CurrentActor } from '../rest/current-actor.decorator';
import { paginate } from '../rest/pagination';
import { ParseIdPipe } from '../rest/parse-id.pipe';
import { RestController } from '../rest/rest-controller.decorator';
import { AllowAnonymous, AllowJobToken } from '../rest/route-access.decorator';
import { ApiOffsetPagination, RegistryApiDoc } from './api-docs.decorators';
import { RepositoryDetailsQuery, SearchRepositoriesQuery } from './dto/registry-management.dto';
import { presentRepository } from './registry-management.presenter';
import { RegistryRequests } from './registry-requests.service';
import { RepositoryEntity } from './registry.entity';

/** `/registry/repositories`: one repository by id (GitLab), and image search across projects (ours). */
@RestController('registry')
export class RegistryRepositoriesController {
  constructor(
    private readonly requests: RegistryRequests,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Search: every repository the caller can pull from whose path contains `search`, ordered by id. */
  @Get('repositories')
  @ApiOkResponse({ type: RepositoryEntity, isArray: true })
  @AllowAnonymous()
  @RegistryApiDoc('Find images by path across every project the caller can pull from', [401])
  @ApiOffsetPagination()
  async search(@CurrentActor() actor: Actor | null, @Query() query: SearchRepositoriesQuery, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const items = await paginate(req, res, query, this.config.publicUrl, (page) =>
      this.requests.searchRepositories(actor, query.search, page, { tagsCount: query.tags_count }),
    );
    return items.map((item) => presentRepository(item.repository, this.config.publicUrl, item.canAdmin));
  }

  @Get('repositories/:id')
  @ApiOkResponse({ type: RepositoryEntity })
  @AllowAnonymous()
  @AllowJobToken()
  @RegistryApiDoc('Get a registry repository, optionally with tags, tags_count and size')
  async get(@CurrentActor() actor: Actor | null, @Param('id', new ParseIdPipe('id')) id: number, @Query() query: RepositoryDetailsQuery) {
    const { repository, canAdmin } = await this.requests.repository(actor, id, { tags: query.tags, tagsCount: query.tags_count, size: query.size });
    return presentRepository(repository, this.config.publicUrl, canAdmin);
  }
}
