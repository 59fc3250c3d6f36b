import { Body, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '@cargohold/config';
import { Actor, ChangeOrigin } from '@cargohold/iam';
import { APP_CONFIG } from '@cargohold/platform';
import { RequestChangeOrigin } from '../rest/change-origin.decorator';
import { CurrentActor } from '../rest/current-actor.decorator';
import { paginate } from '../rest/pagination';
import { ParseIdPipe, resourceRef } from '../rest/parse-id.pipe';
import { RestController } from '../rest/rest-controller.decorator';
import { ApiOffsetPagination, RegistryApiDoc } from './api-docs.decorators';
import { DeletedTagRequests } from './deleted-tag-requests.service';
import { presentDeletedTag } from './deleted-tag.presenter';
import { ListDeletedTagsQuery, RestoreTagDto } from './dto/deleted-tags.dto';
import { presentTagDetails } from './registry-management.presenter';
import { RegistryRequests } from './registry-requests.service';
import { DeletedTagEntity, TagDetailsEntity } from './registry.entity';

const REPOSITORY = ':id/registry/repositories/:repository_id';

/** Ours, not GitLab's: tags deleted within the GC review window, and putting one back (docs/api.md "Deleted tags"). */
@RestController('projects')
export class DeletedTagsController {
  constructor(
    private readonly deletedTags: DeletedTagRequests,
    private readonly requests: RegistryRequests,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get(`${REPOSITORY}/deleted_tags`)
  @ApiOkResponse({ type: DeletedTagEntity, isArray: true })
  @RegistryApiDoc('List the tags deleted within the GC review window, newest first (Developer)')
  @ApiOffsetPagination()
  async list(
    @CurrentActor() actor: Actor | null,
    @Param('id') id: string,
    @Param('repository_id', new ParseIdPipe('repository_id')) repositoryId: number,
    @Query() query: ListDeletedTagsQuery,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    let path = '';
    const items = await paginate(req, res, query, this.config.publicUrl, async (page) => {
      const found = await this.deletedTags.list(actor, resourceRef(id), repositoryId, page, query.name);
      path = found.repository.path;
      return found;
    });
    return items.map((item) => presentDeletedTag(path, item, this.config.publicUrl));
  }

  /** 201 with the tag's details; 409 when the name is taken again, 410 when the window passed or the manifest is gone. */
  @Post(`${REPOSITORY}/tags/:tag_name/restore`)
  @ApiOkResponse({ type: TagDetailsEntity })
  @HttpCode(201)
  @RegistryApiDoc('Restore a deleted tag to the manifest it pointed to (Maintainer)', [400, 401, 403, 404, 409, 410])
  @ApiCreatedResponse({ description: 'The tag is back' })
  async restore(
    @CurrentActor() actor: Actor | null,
    @RequestChangeOrigin() origin: ChangeOrigin,
    @Param('id') id: string,
    @Param('repository_id', new ParseIdPipe('repository_id')) repositoryId: number,
    @Param('tag_name') tagName: string,
    @Body() body: RestoreTagDto,
  ) {
    const restored = await this.deletedTags.restore(actor, resourceRef(id), repositoryId, tagName, body.digest, origin);
    const { repository, details } = await this.requests.tagDetails(actor, resourceRef(id), restored.repositoryId, restored.name);
    return presentTagDetails(repository.path, details, this.config.publicUrl);
  }
}
