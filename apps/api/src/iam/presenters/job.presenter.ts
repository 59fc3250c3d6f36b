import { CiJobRecord, CiJobVariables } from '@cargohold/iam';
import { presentUserBasic } from './user.presenter';

/** A CI job; `token` and `variables` only in the response that starts it. */
export function presentJob(job: CiJobRecord, baseUrl: string, started?: { token: string; variables: CiJobVariables }) {
  return {
    id: job.id,
    name: job.name,
    status: job.status,
    project_id: job.projectId,
    user: presentUserBasic(job.user, baseUrl),
    created_at: job.createdAt,
    expires_at: job.expiresAt,
    finished_at: job.finishedAt,
    ...(started ? { token: started.token, variables: started.variables } : {}),
  };
}
