import { MemberRecord } from '@cargohold/iam';
import { presentUserBasic } from './user.presenter';
import { MemberEntity } from './member.entity';

/** GitLab's Member entity: the user's basic fields plus the membership. */
export function presentMember(member: MemberRecord, baseUrl: string): MemberEntity {
  return {
    ...presentUserBasic(member.user, baseUrl),
    access_level: member.accessLevel,
    expires_at: member.expiresAt,
    created_at: member.createdAt,
    created_by: member.createdBy ? presentUserBasic(member.createdBy, baseUrl) : null,
    membership_state: 'active',
    // Which source the level comes from; GitLab's members/all leaves it implicit, we say it (useful for inherited rows).
    source_type: member.sourceType === 'namespace' ? 'Namespace' : 'Project',
    source_id: member.sourceId,
  };
}
