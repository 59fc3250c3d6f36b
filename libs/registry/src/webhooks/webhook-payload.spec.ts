import { buildRegistryPayload } from './webhook-payload';

describe('buildRegistryPayload', () => {
  const project = { id: 7, fullPath: 'acme/shop' };
  const occurredAt = new Date('2026-01-02T03:04:05.000Z');
  const actor = { kind: 'deploy_token' as const, id: 3, name: 'gitlab+deploy-token-3', ipAddress: '10.1.2.3' };

  it('describes a push with the pull command on the PUBLIC_URL host, and no client address', () => {
    const payload = buildRegistryPayload(
      { name: 'image_pushed', event: { projectId: 7, repositoryPath: 'acme/shop/api', tag: 'prod', digest: 'sha256:abc', mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 42, actor, occurredAt } },
      project,
      'https://registry.example.com:8443',
    );
    expect(payload).toEqual({
      object_kind: 'registry',
      event_name: 'image_pushed',
      occurred_at: '2026-01-02T03:04:05.000Z',
      project: { id: 7, path_with_namespace: 'acme/shop', web_url: 'https://registry.example.com:8443/acme/shop' },
      repository: { path: 'acme/shop/api', location: 'registry.example.com:8443/acme/shop/api' },
      tag: 'prod',
      digest: 'sha256:abc',
      media_type: 'application/vnd.oci.image.manifest.v1+json',
      size: 42,
      actor: { kind: 'deploy_token', id: 3, name: 'gitlab+deploy-token-3' },
      pull_command: 'docker pull registry.example.com:8443/acme/shop/api:prod',
    });
    expect(JSON.stringify(payload)).not.toContain('10.1.2.3');
  });

  it('pulls an untagged push by digest, and offers nothing to pull after a delete', () => {
    const untagged = buildRegistryPayload(
      { name: 'image_pushed', event: { projectId: 7, repositoryPath: 'acme/shop', tag: null, digest: 'sha256:def', mediaType: 'x', size: 1, actor, occurredAt } },
      project,
      'http://127.0.0.1:5000',
    );
    expect(untagged.pull_command).toBe('docker pull 127.0.0.1:5000/acme/shop@sha256:def');
    const deleted = buildRegistryPayload({ name: 'tag_deleted', event: { projectId: 7, repositoryPath: 'acme/shop', tag: 'old', digest: null, actor, occurredAt } }, project, 'http://127.0.0.1:5000');
    expect(deleted).toMatchObject({ event_name: 'tag_deleted', tag: 'old', pull_command: null, media_type: null, size: null });
  });

  it('says how many tags went with a manifest deleted by digest, and whether some are not listed', () => {
    const withManifest = { tagsCount: 150, tagsTruncated: true };
    const payload = buildRegistryPayload(
      { name: 'tag_deleted', event: { projectId: 7, repositoryPath: 'acme/shop', tag: 'a', digest: 'sha256:abc', withManifest, actor, occurredAt } },
      project,
      'http://127.0.0.1:5000',
    );
    expect(payload).toMatchObject({ event_name: 'tag_deleted', tag: 'a', digest: 'sha256:abc', manifest_delete: { tags_count: 150, tags_truncated: true } });
    const plain = buildRegistryPayload({ name: 'tag_deleted', event: { projectId: 7, repositoryPath: 'acme/shop', tag: 'a', digest: null, actor, occurredAt } }, project, 'http://127.0.0.1:5000');
    expect(plain).not.toHaveProperty('manifest_delete');
  });

  it('summarises a cleanup run', () => {
    const payload = buildRegistryPayload(
      { name: 'cleanup_finished', event: { projectId: 7, actor: { kind: 'system', id: null, name: null }, occurredAt, deletedTags: 12, repositories: 3, status: 'finished', protectedTagsSkipped: 2, immutableTagsSkipped: 1 } },
      project,
      'http://127.0.0.1:5000',
    );
    expect(payload).toMatchObject({ repository: null, tag: null, pull_command: null, cleanup: { deleted_tags: 12, repositories: 3, status: 'finished', protected_tags_skipped: 2, immutable_tags_skipped: 1 } });
  });
});
