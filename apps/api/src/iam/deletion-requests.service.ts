import { Inject, Injectable } from '@nestjs/common';
import { Logger } from '@cargohold/common';
import { Actor, ChangeOrigin, DeletionWork, IamServices, ResourceRef } from '@cargohold/iam';
import { groupDeleteJobId, hasLiveJob, JOB_QUEUE, JobName, JobProducer, userDeleteJobId } from '@cargohold/jobs';
import { LOGGER } from '@cargohold/platform';
import { queueOrDefer } from '../jobs/queue-or-defer';

/**
 * `DELETE /groups/:id` and `DELETE /users/:id`: the marks commit first (IamServices.deletions), then the worker's
 * jobs are queued. With Redis down the request still answers and the stranded-work requeuer queues them later.
 */
@Injectable()
export class DeletionRequests {
  constructor(
    private readonly iam: IamServices,
    private readonly jobs: JobProducer,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async deleteGroup(actor: Actor | null, ref: ResourceRef, origin: ChangeOrigin): Promise<void> {
    await this.queue(await this.iam.deletions.requestGroupDelete(actor, ref, origin));
  }

  async deleteUser(actor: Actor | null, userId: number, hardDelete: boolean, origin: ChangeOrigin): Promise<void> {
    await this.queue(await this.iam.deletions.requestUserDelete(actor, userId, hardDelete, origin));
  }

  private async queue(work: DeletionWork): Promise<void> {
    const queue = this.jobs.queue(JOB_QUEUE[JobName.DeleteGroup]);
    for (const namespaceId of work.namespaceIds) {
      const jobId = groupDeleteJobId(namespaceId);
      await queueOrDefer(this.logger, `group delete ${namespaceId}`, async () => {
        // A finished job from an earlier request must not swallow this one.
        await this.jobs.bounded(hasLiveJob(queue, jobId), 'looking up a group delete job');
        await this.jobs.enqueue(JobName.DeleteGroup, { namespaceId }, { jobId });
      });
    }
    if (work.userId !== null) {
      const userId = work.userId;
      const jobId = userDeleteJobId(userId);
      await queueOrDefer(this.logger, `user delete ${userId}`, async () => {
        await this.jobs.bounded(hasLiveJob(queue, jobId), 'looking up a user delete job');
        await this.jobs.enqueue(JobName.DeleteUser, { userId }, { jobId });
      });
    }
  }
}
