import { Body, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { AppConfig } from '@cargohold/config';
import { Actor, IamServices } from '@cargohold/iam';
import { APP_CONFIG } from '@cargohold/platform';
import { CurrentActor } from '../rest/current-actor.decorator';
import { ParseIdPipe, resourceRef } from '../rest/parse-id.pipe';
import { RestController } from '../rest/rest-controller.decorator';
import { AllowJobToken } from '../rest/route-access.decorator';
import { StartJobDto } from './dto/ci.dto';
import { presentJob } from './presenters/job.presenter';

/**
 * CI jobs without a CI system: what a runner needs. Starting a job returns its job token and the registry
 * variables a runner would inject; finishing it (or its timeout) ends the token.
 */
@RestController()
export class CiJobsController {
  constructor(
    private readonly iam: IamServices,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('projects/:id/ci/jobs')
  async start(@CurrentActor() actor: Actor | null, @Param('id') id: string, @Body() body: StartJobDto) {
    const started = await this.iam.ciJobs.start(actor, resourceRef(id), { name: body.name, timeoutSeconds: body.timeout });
    return presentJob(started.job, this.config.publicUrl, started);
  }

  @Get('projects/:id/ci/jobs/:job_id')
  @AllowJobToken()
  async get(@CurrentActor() actor: Actor | null, @Param('id') id: string, @Param('job_id', new ParseIdPipe('job_id')) jobId: number) {
    return presentJob(await this.iam.ciJobs.get(actor, resourceRef(id), jobId), this.config.publicUrl);
  }

  @Post('projects/:id/ci/jobs/:job_id/finish')
  @HttpCode(200)
  @AllowJobToken()
  async finish(@CurrentActor() actor: Actor | null, @Param('id') id: string, @Param('job_id', new ParseIdPipe('job_id')) jobId: number) {
    return presentJob(await this.iam.ciJobs.finish(actor, resourceRef(id), jobId), this.config.publicUrl);
  }

  /** GitLab's `GET /job`: the job a JOB-TOKEN belongs to. */
  @Get('job')
  @AllowJobToken()
  async current(@CurrentActor() actor: Actor | null) {
    return presentJob(await this.iam.ciJobs.current(actor), this.config.publicUrl);
  }
}
