import { Body, Get, HttpCode, Inject, Param, ParseIntPipe, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '@cargohold/config';
import { Logger } from '@cargohold/common';
import { APP_CONFIG, LOGGER } from '@cargohold/platform';
import { Actor, IamServices, RegistryPermissionService } from '@cargohold/iam';
import { cleanupRunJobId, JobName, JobProducer } from '@cargohold/jobs';
import { CleanupPolicyService, ManagementError, RegistryManagementService } from '@cargohold/registry';
import { CurrentActor } from '../rest/current-actor.decorator';
import { resourceRef } from '../rest/parse-id.pipe';
import { RestController } from '../rest/rest-controller.decorator';
import { RepositoryPolicyDto } from './cleanup-policy.dto';
import { withPolicyChange } from './cleanup-policy-params';
import { presentRun, presentStored } from './cleanup-policy.presenter';
import { CleanupRunEntity } from './cleanup-policy.entity';
import { paginate, PaginationQuery } from '../rest/pagination';
import { queueOrDefer } from '../jobs/queue-or-defer';

/**
 * Cleanup policies as GitLab sets them (per group and per repository; `PUT /projects/:id` with
 * container_expiration_policy_attributes is ProjectsController's, a group's default is GroupsController's), plus runs on demand and the run history. Maintainers manage them.
 */
@RestController()
export class CleanupPoliciesController {
  constructor(
    private readonly policies: CleanupPolicyService,
    private readonly registry: RegistryManagementService,
    private readonly iam: IamServices,
    private readonly permissions: RegistryPermissionService,
    private readonly jobs: JobProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** One repository's own policy, overriding its project's (the seeds' `PUT .../registry/repositories/:repository_id`). */
  @Put('projects/:id/registry/repositories/:repository_id')
  async updateRepository(
    @CurrentActor() actor: Actor | null,
    @Param('id') id: string,
    @Param('repository_id', ParseIntPipe) repositoryId: number,
    @Body() body: RepositoryPolicyDto,
  ) {
    const { project } = await this.permissions.requireProject(actor, resourceRef(id), 'admin');
    const repository = await this.registry.findRepository(repositoryId);
    if (repository.projectId !== project.id) throw ManagementError.notFound('Repository');
    const { container_expiration_policy_attributes: nested, ...flat } = body;
    const policy = await withPolicyChange(nested ?? flat, (change) => this.policies.set({ kind: 'repository', id: repositoryId }, change));
    return { id: repositoryId, path: repository.path, container_expiration_policy: presentStored(policy) };
  }

  /** Runs the policy in force now (our addition; GitLab only runs on schedule). */
  @Post('projects/:id/registry/cleanup_policy/runs')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: CleanupRunEntity })
  async runNow(@CurrentActor() actor: Actor | null, @Param('id') id: string) {
    const { project } = await this.permissions.requireProject(actor, resourceRef(id), 'admin');
    const run = await this.policies.requestRun(project.id);
    // The run row is committed: with Redis down the stranded-work requeuer queues it later.
    await queueOrDefer(this.logger, `cleanup run ${run.runId}`, () => this.jobs.enqueue(JobName.RunCleanupPolicy, run, { jobId: cleanupRunJobId(run.runId, 0) }));
    return presentRun((await this.policies.run(run.runId))!);
  }

  /** The project's runs, newest first, paginated as every GitLab list is (page, per_page, X-Total..., Link). */
  @Get('projects/:id/registry/cleanup_policy/runs')
  @ApiOkResponse({ type: CleanupRunEntity, isArray: true })
  async runs(
    @CurrentActor() actor: Actor | null,
    @Param('id') id: string,
    @Query() query: PaginationQuery,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { project } = await this.permissions.requireProject(actor, resourceRef(id), 'read');
    return (await paginate(req, res, query, this.config.publicUrl, (page) => this.policies.listRuns(project.id, page))).map(presentRun);
  }
}
