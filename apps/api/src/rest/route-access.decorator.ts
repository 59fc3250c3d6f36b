import { SetMetadata } from '@nestjs/common';

export const ALLOW_ANONYMOUS = 'cargohold:rest:allow-anonymous';
export const ALLOW_JOB_TOKEN = 'cargohold:rest:allow-job-token';
export const EXTRA_SCOPES = 'cargohold:rest:extra-scopes';

/** The route also answers unauthenticated callers (what they see is then decided by visibility). */
export const AllowAnonymous = () => SetMetadata(ALLOW_ANONYMOUS, true);

/** The route accepts CI job tokens. GitLab admits job tokens only on a few endpoints; every other one refuses them. */
export const AllowJobToken = () => SetMetadata(ALLOW_JOB_TOKEN, true);

/**
 * Scopes accepted on this route besides `api` (and `read_api` for reads), e.g. `read_user` on `GET /user`.
 */
export const AllowScopes = (...scopes: string[]) => SetMetadata(EXTRA_SCOPES, scopes);
