import { Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '@cargohold/config';
import { Actor, RegistryPermissionService } from '@cargohold/iam';
import { APP_CONFIG } from '@cargohold/platform';
import { CleanupPreviewService, ManagementError, RegistryManagementService } from '@cargohold/registry';
import { CurrentActor } from '../rest/current-actor.decorator';
import { offsetPage, setPaginationHeaders } from '../rest/pagination';
import { ParseIdPipe, resourceRef } from '../rest/parse-id.pipe';
import { RestController } from '../rest/rest-controller.decorator';
import { AllowJobToken } from '../rest/route-access.decorator';
import { bulkDeleteRules } from '../registry-management/bulk-delete-rules';
import { BulkDeleteTagsDto } from '../registry-management/dto/registry-management.dto';
import { CleanupPreviewQuery } from './cleanup-policy.dto';
import { presentPreview } from './cleanup-policy.presenter';
import { CleanupPreviewEntity } from './cleanup-policy.entity';

/**
 * `GET /projects/:id/registry/repositories/:repository_id/cleanup_preview` (ours): what a cleanup run of the
 * policy in force (or a bulk delete with the rules given as parameters) would delete now, and which rule keeps
 * each tag that stays. Maintainers, as for the policy itself; nothing is deleted.
 */
@RestController('projects')
export class CleanupPreviewController {
  constructor(
    private readonly previews: CleanupPreviewService,
    private readonly registry: RegistryManagementService,
    private readonly permissions: RegistryPermissionService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get(':id/registry/repositories/:repository_id/cleanup_preview')
  @ApiOkResponse({ type: CleanupPreviewEntity })
  @AllowJobToken()
  async preview(
    @CurrentActor() actor: Actor | null,
    @Param('id') id: string,
    @Param('repository_id', new ParseIdPipe('repository_id')) repositoryId: number,
    @Query() query: CleanupPreviewQuery,
    @Query() ruleParameters: BulkDeleteTagsDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { project } = await this.permissions.requireProject(actor, resourceRef(id), 'admin');
    const repository = await this.registry.findRepository(repositoryId);
    if (repository.projectId !== project.id) throw ManagementError.notFound('Repository');
    const given = Object.values(ruleParameters).some((value) => value !== undefined);
    const rules = given ? bulkDeleteRules(ruleParameters) : undefined;
    const page = offsetPage(query);
    const preview = await this.previews.preview({ repository, rules, action: query.action, limit: page.limit, offset: page.offset });
    setPaginationHeaders(req, res, page, preview.total, this.config.publicUrl);
    return presentPreview(preview, repository.path, this.config.publicUrl);
  }
}
