import { Body, Delete, Get, Header, HttpCode, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '@cargohold/config';
import { Actor } from '@cargohold/iam';
import { APP_CONFIG } from '@cargohold/platform';
import type { TagDetailsRecord, TagListItem } from '@cargohold/registry';
import { CurrentActor } from '../rest/current-actor.decorator';
import { MAX_PER_PAGE, DEFAULT_PER_PAGE, paginate } from '../rest/pagination';
import { ParseIdPipe, resourceRef } from '../rest/parse-id.pipe';
import { RestController } from '../rest/rest-controller.decorator';
import { RestValidationError } from '../rest/rest-errors';
import { AllowAnonymous, AllowJobToken } from '../rest/route-access.decorator';
import { ApiOffsetPagination, RegistryApiDoc } from './api-docs.decorators';
import { BulkDeleteTagsDto, ListRepositoriesQuery, ListTagsQuery } from './dto/registry-management.dto';
import { setKeysetNextLink } from './keyset-link';
import { presentListedTag, presentRepository, presentTagDetails, presentUsage } from './registry-management.presenter';
import { RegistryRequests } from './registry-requests.service';
import { ListedTagEntity, RegistryUsageEntity, RepositoryEntity, TagDetailsEntity } from './registry.entity';

const REPOSITORY = ':id/registry/repositories/:repository_id';

/** `/projects/:id/registry/...`: GitLab's project container registry API. */
@RestController('projects')
export class ProjectRegistryController {
  constructor(
    private readonly requests: RegistryRequests,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get(':id/registry/repositories')
  @ApiOkResponse({ type: RepositoryEntity, isArray: true })
  @AllowAnonymous()
  @AllowJobToken()
  @RegistryApiDoc('List the registry repositories of a project')
  @ApiOffsetPagination()
  async list(@CurrentActor() actor: Actor | null, @Param('id') id: string, @Query() query: ListRepositoriesQuery, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const extras = { tags: query.tags, tagsCount: query.tags_count };
    const items = await paginate(req, res, query, this.config.publicUrl, (page) => this.requests.projectRepositories(actor, resourceRef(id), page, extras));
    return items.map((item) => presentRepository(item.repository, this.config.publicUrl, item.canAdmin));
  }

  /** GitLab answers 202 with the bare status as body; the worker deletes the repository afterwards. */
  @Delete(REPOSITORY)
  @HttpCode(202)
  @Header('Content-Type', 'application/json')
  @AllowJobToken()
  @RegistryApiDoc('Schedule the deletion of a registry repository (Maintainer)')
  @ApiAcceptedResponse({ description: 'The repository is delete_scheduled; the worker removes it' })
  async deleteRepository(@CurrentActor() actor: Actor | null, @Param('id') id: string, @Param('repository_id', new ParseIdPipe('repository_id')) repositoryId: number) {
    await this.requests.deleteRepository(actor, resourceRef(id), repositoryId);
    return '202';
  }

  @Get(`${REPOSITORY}/tags`)
  @ApiOkResponse({ type: ListedTagEntity, isArray: true, description: 'With `details=true` (ours) each tag is a TagDetailsEntity.' })
  @AllowAnonymous()
  @AllowJobToken()
  @RegistryApiDoc('List the tags of a registry repository (offset or keyset pagination)')
  @ApiOffsetPagination()
  async tags(
    @CurrentActor() actor: Actor | null,
    @Param('id') id: string,
    @Param('repository_id', new ParseIdPipe('repository_id')) repositoryId: number,
    @Query() query: ListTagsQuery,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const ref = resourceRef(id);
    const orderBy = query.order_by ?? 'name';
    const sort = query.sort ?? (orderBy === 'name' ? 'asc' : 'desc');
    if (query.pagination === 'keyset') {
      // A keyset cursor is a tag name: it cannot mark a place in an order by pull or creation time.
      if (orderBy !== 'name') throw new RestValidationError(`order_by ${orderBy} is supported with offset pagination only`);
      if (query.details) throw new RestValidationError('details is supported with offset pagination only');
      const perPage = Math.min(query.per_page ?? DEFAULT_PER_PAGE, MAX_PER_PAGE);
      const page = await this.requests.tagsKeyset(actor, ref, repositoryId, { limit: perPage, desc: sort === 'desc', last: query.last, name: query.name });
      if (page.next !== undefined) setKeysetNextLink(req, res, this.config.publicUrl, { perPage, last: page.next, sort });
      return page.items.map((tag) => presentListedTag(page.repository.path, tag, this.config.publicUrl));
    }
    const listing = { name: query.name, order: { by: orderBy, desc: sort === 'desc' }, details: query.details === true };
    let path = '';
    const tags = await paginate(req, res, query, this.config.publicUrl, async (page) => {
      const found = await this.requests.tags(actor, ref, repositoryId, page, listing);
      path = found.repository.path;
      return found;
    });
    return tags.map((tag) => (isTagDetails(tag) ? presentTagDetails(path, tag, this.config.publicUrl) : presentListedTag(path, tag, this.config.publicUrl)));
  }

  /** Parameters may come as a form or JSON body (GitLab's curl examples) or in the query string. */
  @Delete(`${REPOSITORY}/tags`)
  @HttpCode(202)
  @Header('Content-Type', 'application/json')
  @AllowJobToken()
  @RegistryApiDoc('Delete tags in bulk by GitLab\'s rules, asynchronously (Maintainer; once an hour per repository)', [400, 401, 403, 404])
  @ApiAcceptedResponse({ description: 'Validated and handed to the worker' })
  async bulkDelete(
    @CurrentActor() actor: Actor | null,
    @Param('id') id: string,
    @Param('repository_id', new ParseIdPipe('repository_id')) repositoryId: number,
    @Query() query: BulkDeleteTagsDto,
    @Body() body: BulkDeleteTagsDto,
  ) {
    // GitLab scripts send these in the query string or the body; a DTO instance carries every field, set or not,
    // so only defined values may override (else an empty body would erase the query's parameters).
    await this.requests.bulkDeleteTags(actor, resourceRef(id), repositoryId, { ...definedOnly(query), ...definedOnly(body) });
    return '202';
  }

  @Get(`${REPOSITORY}/tags/:tag_name`)
  @ApiOkResponse({ type: TagDetailsEntity })
  @AllowAnonymous()
  @AllowJobToken()
  @RegistryApiDoc('Get the details of a tag')
  async tag(
    @CurrentActor() actor: Actor | null,
    @Param('id') id: string,
    @Param('repository_id', new ParseIdPipe('repository_id')) repositoryId: number,
    @Param('tag_name') tagName: string,
  ) {
    const { repository, details } = await this.requests.tagDetails(actor, resourceRef(id), repositoryId, tagName);
    return presentTagDetails(repository.path, details, this.config.publicUrl);
  }

  /** As DELETE /v2/<path>/manifests/<tag>: the tag goes, the image stays until GC finds it unreferenced. */
  @Delete(`${REPOSITORY}/tags/:tag_name`)
  @HttpCode(200)
  @Header('Content-Type', 'application/json')
  @AllowJobToken()
  @RegistryApiDoc('Delete a tag (Developer)')
  @ApiOkResponse({ description: 'Deleted' })
  async deleteTag(
    @CurrentActor() actor: Actor | null,
    @Param('id') id: string,
    @Param('repository_id', new ParseIdPipe('repository_id')) repositoryId: number,
    @Param('tag_name') tagName: string,
  ) {
    await this.requests.deleteTag(actor, resourceRef(id), repositoryId, tagName);
    return '200';
  }

  /** Not in GitLab's REST API (it reports `statistics.container_registry_size`); see docs/api.md. */
  @Get(':id/registry/statistics')
  @ApiOkResponse({ type: RegistryUsageEntity })
  @AllowAnonymous()
  @AllowJobToken()
  @RegistryApiDoc('Registry storage of a project: deduplicated size, repositories and tags')
  async statistics(@CurrentActor() actor: Actor | null, @Param('id') id: string) {
    return presentUsage(await this.requests.projectUsage(actor, resourceRef(id)));
  }
}

function isTagDetails(tag: TagListItem): tag is TagDetailsRecord {
  return 'digest' in tag;
}

function definedOnly<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, field]) => field !== undefined)) as Partial<T>;
}
