import { DeployTokenRecord, PersonalAccessTokenRecord, ResourceAccessTokenRecord } from '@cargohold/iam';
import { DeployTokenEntity, PersonalAccessTokenEntity, ResourceAccessTokenEntity } from './token.entity';

/** GitLab's PersonalAccessToken entity; `token` only when just created. */
export function presentPersonalAccessToken(token: PersonalAccessTokenRecord & { token?: string }): PersonalAccessTokenEntity {
  return {
    id: token.id,
    name: token.name,
    description: token.description,
    revoked: token.revoked,
    created_at: token.createdAt,
    scopes: token.scopes,
    user_id: token.userId,
    last_used_at: token.lastUsedAt,
    active: token.active,
    expires_at: token.expiresAt,
    ...(token.token !== undefined ? { token: token.token } : {}),
  };
}

/** Project and group access tokens: a personal access token plus the bot's access level. */
export function presentResourceAccessToken(token: ResourceAccessTokenRecord & { token?: string }): ResourceAccessTokenEntity {
  return { ...presentPersonalAccessToken(token), access_level: token.accessLevel };
}

/** GitLab's DeployToken entity; the secret appears only in the creation response. */
export function presentDeployToken(token: DeployTokenRecord & { token?: string }): DeployTokenEntity {
  return {
    id: token.id,
    name: token.name,
    username: token.username,
    expires_at: token.expiresAt,
    revoked: token.revoked,
    expired: token.expired,
    scopes: token.scopes,
    ...(token.projectId !== null ? { project_id: token.projectId } : { group_id: token.groupId }),
    ...(token.token !== undefined ? { token: token.token } : {}),
  };
}
