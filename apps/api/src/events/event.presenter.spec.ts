import { AuditEventRecord } from '@cargohold/iam';
import { presentEvent } from './event.presenter';

const base: AuditEventRecord = {
  id: 7,
  authorId: null,
  authorName: 'gitlab+deploy-token-3',
  authorKind: 'deploy_token',
  entityType: 'Project',
  entityId: 4,
  entityPath: 'acme/app',
  eventName: 'manifest_deleted',
  targetType: 'ContainerRepository',
  targetId: 'acme/app@sha256:aa',
  targetDetails: 'acme/app@sha256:aa',
  details: { digest: 'sha256:aa', tags: ['v1', 'v2'] },
  ipAddress: null,
  createdAt: new Date('2026-01-01T00:00:00Z'),
};

describe('presentEvent', () => {
  it('shows a manifest delete as a removal of several refs, authored by a deploy token without a user', () => {
    expect(presentEvent({ event: base, author: null }, 'http://r.test')).toMatchObject({
      action_name: 'deleted',
      author: null,
      author_id: null,
      author_username: 'gitlab+deploy-token-3',
      push_data: { action: 'removed', ref: null, ref_count: 2, commit_from: 'sha256:aa', commit_to: null },
    });
  });

  it('shows a repository delete as destroyed, without push data', () => {
    const presented = presentEvent({ event: { ...base, eventName: 'repository_deleted', details: {}, targetDetails: 'acme/app' }, author: null }, 'http://r.test');
    expect(presented).toMatchObject({ action_name: 'destroyed', target_title: 'acme/app' });
    expect(presented).not.toHaveProperty('push_data');
  });
});
