import { AccessLevel } from './domain/access-level';
import { Actor } from './domain/actor';
import { IamError } from './domain/iam-error';
import { digestToken, generateTokenSecret, TokenPrefix } from './domain/token-secret';
import { CiJobRecord } from './data/ci-job.repository';
import { ProjectRecord } from './data/project.repository';
import { AccessService, ResourceRef, requireUser } from './access.service';
import { IamContext } from './iam-context';
import { GITLAB_DEPLOY_TOKEN_NAME } from './deploy-token.service';

/** The variables a runner would inject into the job (GitLab's predefined CI/CD variables). */
export interface CiJobVariables {
  CI_REGISTRY: string;
  CI_REGISTRY_IMAGE: string;
  CI_REGISTRY_USER: 'gitlab-ci-token';
  CI_REGISTRY_PASSWORD: string;
  CI_JOB_TOKEN: string;
  CI_PROJECT_PATH: string;
  /** The project's (or nearest group's) active deploy token named `gitlab-deploy-token`, when its secret was kept. */
  CI_DEPLOY_USER?: string;
  CI_DEPLOY_PASSWORD?: string;
}

export interface StartedJob {
  job: CiJobRecord;
  project: ProjectRecord;
  token: string;
  variables: CiJobVariables;
}

export const CI_JOB_USERNAME = 'gitlab-ci-token';
/** Longest a job may run (GitLab's maximum job timeout is one month; a day is plenty here). */
export const MAX_JOB_TIMEOUT_SECONDS = 86_400;

/**
 * CI jobs without a CI system: a Developer starts a job and gets what a runner would inject, including a job
 * token that acts with the Developer's permissions until the job finishes or times out.
 */
export class CiJobService {
  constructor(
    private readonly ctx: IamContext,
    private readonly access: AccessService,
  ) {}

  async start(actor: Actor | null, ref: ResourceRef, input: { name?: string; timeoutSeconds?: number }): Promise<StartedJob> {
    const user = requireUser(actor);
    if (user.kind !== 'user') throw IamError.forbidden();
    const { project } = await this.access.requireProject(actor, ref, AccessLevel.DEVELOPER);
    const timeoutSeconds = input.timeoutSeconds ?? this.ctx.settings.jobTimeoutSeconds;
    if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > MAX_JOB_TIMEOUT_SECONDS) {
      throw IamError.invalid(`must be between 1 and ${MAX_JOB_TIMEOUT_SECONDS} seconds`, 'timeout');
    }
    const token = generateTokenSecret(TokenPrefix.JOB);
    const job = await this.ctx.ciJobs.insert(this.ctx.manager, {
      projectId: project.id,
      userId: user.userId,
      name: input.name ?? 'job',
      digest: digestToken(token),
      timeoutSeconds,
    });
    const registry = new URL(this.ctx.settings.publicUrl).host;
    return {
      job,
      project,
      token,
      variables: {
        CI_REGISTRY: registry,
        CI_REGISTRY_IMAGE: `${registry}/${project.fullPath}`,
        CI_REGISTRY_USER: CI_JOB_USERNAME,
        CI_REGISTRY_PASSWORD: token,
        CI_JOB_TOKEN: token,
        CI_PROJECT_PATH: project.fullPath,
        ...(await this.deployCredentials(project)),
      },
    };
  }

  /**
   * GitLab's CI_DEPLOY_USER / CI_DEPLOY_PASSWORD: from the active `gitlab-deploy-token` of the project, else of the
   * nearest group above it. Only tokens created while a secret box was configured (DATA_DIR) can be handed out: for
   * older ones, or when the box cannot open the secret, the variables are left out, as when no such token exists.
   */
  private async deployCredentials(project: ProjectRecord): Promise<Pick<CiJobVariables, 'CI_DEPLOY_USER' | 'CI_DEPLOY_PASSWORD'>> {
    const box = this.ctx.deployTokenSecrets;
    if (!box) return {};
    const token = await this.ctx.deployTokens.findActiveForProjectByName(this.ctx.manager, project, GITLAB_DEPLOY_TOKEN_NAME);
    const secret = token?.sealedSecret ? box.open(token.sealedSecret, token.tokenDigest) : null;
    return token && secret ? { CI_DEPLOY_USER: token.username, CI_DEPLOY_PASSWORD: secret } : {};
  }

  async get(actor: Actor | null, ref: ResourceRef, jobId: number): Promise<CiJobRecord> {
    const { project } = await this.access.requireProject(actor, ref, AccessLevel.REPORTER);
    const job = await this.ctx.ciJobs.findById(this.ctx.manager, jobId);
    if (!job || job.projectId !== project.id) throw IamError.notFound('Job');
    return job;
  }

  /** The job a job token belongs to (GitLab's `GET /job`). */
  async current(actor: Actor | null): Promise<CiJobRecord> {
    if (actor?.kind !== 'job' || !actor.job) throw IamError.unauthorized();
    const job = await this.ctx.ciJobs.findById(this.ctx.manager, actor.job.id);
    if (!job) throw IamError.unauthorized();
    return job;
  }

  /** Ends the job; its token stops working at once. The job itself, its starter or a Maintainer may do this. */
  async finish(actor: Actor | null, ref: ResourceRef, jobId: number): Promise<CiJobRecord> {
    const user = requireUser(actor);
    const { project, level } = await this.access.requireProject(actor, ref);
    const job = await this.ctx.ciJobs.findById(this.ctx.manager, jobId);
    if (!job || job.projectId !== project.id) throw IamError.notFound('Job');
    const allowed = user.kind === 'job' ? user.job?.id === job.id : job.userId === user.userId || level >= AccessLevel.MAINTAINER;
    if (!allowed) throw IamError.forbidden();
    return (await this.ctx.ciJobs.finish(this.ctx.manager, job.id))!;
  }
}
