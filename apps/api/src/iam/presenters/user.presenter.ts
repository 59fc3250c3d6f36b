import { UserRecord } from '@cargohold/iam';
import type { UserBasicEntity } from './member.entity';

type UserLike = Pick<UserRecord, 'id' | 'username' | 'name' | 'state'> & { bot?: boolean };

/** GitLab's UserBasic entity. */
export function presentUserBasic(user: UserLike, baseUrl: string): UserBasicEntity {
  return {
    id: user.id,
    username: user.username,
    name: user.name,
    state: user.state,
    locked: false,
    avatar_url: null,
    web_url: `${baseUrl}/${user.username}`,
  };
}

/** GitLab's User entity; email and admin flag only for the user themself and administrators. */
export function presentUser(user: UserRecord, baseUrl: string, privileged: boolean) {
  return {
    ...presentUserBasic(user, baseUrl),
    created_at: user.createdAt,
    bot: user.bot,
    ...(privileged ? { email: user.email, is_admin: user.isAdmin } : {}),
  };
}

