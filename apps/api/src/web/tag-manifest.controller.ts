import { Get, Inject, Param } from '@nestjs/common';
import { AppConfig } from '@cargohold/config';
import { Actor, IamError, IamServices, RegistryPermissionService } from '@cargohold/iam';
import { APP_CONFIG } from '@cargohold/platform';
import { ManifestService, RegistryContext, RegistryError } from '@cargohold/registry';
import { CurrentActor } from '../rest/current-actor.decorator';
import { ParseIdPipe, resourceRef } from '../rest/parse-id.pipe';
import { RestController } from '../rest/rest-controller.decorator';
import { AllowAnonymous } from '../rest/route-access.decorator';
import { imageSize, parseManifestView, PlatformView } from './manifest-details';

const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/**
 * `GET /projects/:id/registry/repositories/:repository_id/tags/:tag_name/manifest`: what the tag page shows
 * beyond GitLab's tag details: the manifest, platforms of an index, layers, and referrers (signatures, SBOMs).
 * Read-only; needs `pull` on the image, decided by the same RegistryPermissionService as the token service.
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
    const view = parseManifestView(stored.payload, stored.mediaType);
    const platforms: PlatformView[] = [];
    for (const child of view.manifests) {
      const childManifest = await this.loadOptional(repository.path, child.digest);
      const childView = childManifest ? parseManifestView(childManifest.payload, childManifest.mediaType) : null;
      platforms.push({ ...child, config: childView?.config ?? null, layers: childView?.layers ?? [] });
    }
    const referrers = JSON.parse((await this.manifests.referrers(repository.path, stored.digest)).toString('utf8')).manifests as Array<
      Record<string, unknown>
    >;
    const host = new URL(this.config.publicUrl).host;
    return {
      name: tagName,
      path: `${repository.path}:${tagName}`,
      location: `${host}/${repository.path}:${tagName}`,
      digest: stored.digest,
      size: stored.payload.length,
      total_size: platforms.length > 0 ? platforms.reduce((sum, p) => sum + imageSize(p.size, p), stored.payload.length) : imageSize(stored.payload.length, view),
      ...view,
      platforms,
      referrers: referrers.map((r) => ({
        digest: r.digest,
        media_type: r.mediaType,
        artifact_type: r.artifactType ?? null,
        size: r.size,
        annotations: r.annotations ?? {},
      })),
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
