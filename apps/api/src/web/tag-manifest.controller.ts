import { Get, Inject, Param } from '@nestjs/common';
import { AppConfig } from '@cargohold/config';
import { Actor, IamError, IamServices, RegistryPermissionService } from '@cargohold/iam';
import { APP_CONFIG } from '@cargohold/platform';
import { ManifestService, RegistryContext, RegistryError } from '@cargohold/registry';
import { CurrentActor } from '../rest/current-actor.decorator';
import { ParseIdPipe, resourceRef } from '../rest/parse-id.pipe';
import { RestController } from '../rest/rest-controller.decorator';
import { AllowAnonymous } from '../rest/route-access.decorator';
import { imageSize, MANIFEST_VIEW_LIMITS, parseManifestView } from './manifest-details';
import { loadPlatformViews } from './platform-views';

const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/**
 * `GET /projects/:id/registry/repositories/:repository_id/tags/:tag_name/manifest`: what the tag page shows
 * beyond GitLab's tag details: the manifest, platforms of an index, layers, and referrers (signatures, SBOMs).
 * Read-only; needs `pull` on the image, decided by the same RegistryPermissionService as the token service.
 * Bounded: lists and reads are cut at MANIFEST_VIEW_LIMITS, and `truncated` says when something was left out.
 */
@RestController('projects')
export class TagManifestController {
  private readonly manifests: ManifestService;

  constructor(
    private readonly iam: IamServices,
    private readonly permissions: RegistryPermissionService,
    private readonly registry: RegistryContext,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.manifests = new ManifestService(registry);
  }

  @Get(':id/registry/repositories/:repository_id/tags/:tag_name/manifest')
  @AllowAnonymous()
  async manifest(
    @CurrentActor() actor: Actor | null,
    @Param('id') id: string,
    @Param('repository_id', new ParseIdPipe('repository_id')) repositoryId: number,
    @Param('tag_name') tagName: string,
  ) {
    const { project } = await this.iam.projects.get(actor, resourceRef(id));
    const [repository] = (await this.registry.db.query(`SELECT id, project_id AS "projectId", path FROM repositories WHERE id = $1`, [
      repositoryId,
    ])) as Array<{ id: number; projectId: number; path: string }>;
    if (!repository || Number(repository.projectId) !== project.id) throw IamError.notFound('Repository Not Found');
    // On /api/v4 the token's api/read_api scope was checked by the guard; registry scopes do not apply (as in the
    // management API), so roles and visibility decide. Deleting through the REST API still needs a write scope.
    const allowed = (await this.permissions.actionsFor(actor && { ...actor, scopes: null }, repository.path))?.actions ?? [];
    const canWrite = actor !== null && (actor.scopes === null || actor.scopes.includes('api'));
    if (!allowed.includes('pull')) throw IamError.forbidden();
    if (!TAG.test(tagName)) throw IamError.notFound('Tag Not Found');

    const stored = await this.load(repository.path, tagName);
    const own = parseManifestView(stored.payload, stored.mediaType, MANIFEST_VIEW_LIMITS.descriptors);
    const index = await loadPlatformViews(this.manifests, repository.path, own.view.manifests, MANIFEST_VIEW_LIMITS.descriptors);
    // One page of the referrers API: at most MANIFEST_VIEW_LIMITS.referrers, and `next` says there are more.
    const referrers = await this.manifests.referrers(repository.path, stored.digest, { n: MANIFEST_VIEW_LIMITS.referrers });
    const truncated =
      own.view.layers.length < own.view.layers_count ||
      own.view.manifests.length < own.view.manifests_count ||
      index.truncated ||
      referrers.next !== undefined;
    const host = new URL(this.config.publicUrl).host;
    return {
      name: tagName,
      path: `${repository.path}:${tagName}`,
      location: `${host}/${repository.path}:${tagName}`,
      digest: stored.digest,
      size: stored.payload.length,
      total_size: own.view.manifests_count > 0 ? stored.payload.length + index.size : imageSize(stored.payload.length, own),
      ...own.view,
      platforms: index.platforms,
      referrers: referrers.descriptors.map((r) => ({
        digest: r.digest,
        media_type: r.mediaType,
        artifact_type: r.artifactType ?? null,
        size: r.size,
        annotations: r.annotations ?? {},
      })),
      truncated,
      limits: {
        children: MANIFEST_VIEW_LIMITS.children,
        descriptors: MANIFEST_VIEW_LIMITS.descriptors,
        child_manifest_bytes: MANIFEST_VIEW_LIMITS.childManifestBytes,
        referrers: MANIFEST_VIEW_LIMITS.referrers,
      },
      pull_command: `docker pull ${host}/${repository.path}:${tagName}`,
      pull_by_digest: `${host}/${repository.path}@${stored.digest}`,
      can_delete: canWrite && allowed.includes('delete'),
      raw: JSON.parse(stored.payload.toString('utf8')),
    };
  }

  private async load(path: string, tag: string) {
    const found = await this.loadOptional(path, tag);
    if (!found) throw IamError.notFound('Tag Not Found');
    return found;
  }

  private async loadOptional(path: string, reference: string) {
    try {
      return await this.manifests.get(path, reference);
    } catch (error) {
      if (error instanceof RegistryError && error.code === 'MANIFEST_UNKNOWN') return null;
      throw error;
    }
  }
}
