import { Get, Inject, Param } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import { AppConfig } from '@cargohold/config';
import { Actor, IamError, IamServices, ON_REST, RegistryPermissionService } from '@cargohold/iam';
import { APP_CONFIG } from '@cargohold/platform';
import { TagManifestDetailsService } from '@cargohold/registry';
import { CurrentActor } from '../rest/current-actor.decorator';
import { ParseIdPipe, resourceRef } from '../rest/parse-id.pipe';
import { RestController } from '../rest/rest-controller.decorator';
import { AllowAnonymous } from '../rest/route-access.decorator';
import { presentTagManifest } from './tag-manifest.presenter';
import { TagManifestEntity } from './tag-manifest.entity';

/**
 * `GET /projects/:id/registry/repositories/:repository_id/tags/:tag_name/manifest`: what the tag page shows
 * beyond GitLab's tag details: the manifest, platforms of an index, layers, and referrers (signatures, SBOMs).
 * Read-only; needs `pull` on the project's registry, decided by RegistryPermissionService as for /v2/. Bounded:
 * TagManifestDetailsService cuts lists and reads at MANIFEST_DETAILS_LIMITS, and `truncated` says when it did.
 */
@RestController('projects')
export class TagManifestController {
  constructor(
    private readonly iam: IamServices,
    private readonly permissions: RegistryPermissionService,
    private readonly details: TagManifestDetailsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get(':id/registry/repositories/:repository_id/tags/:tag_name/manifest')
  @ApiOkResponse({ type: TagManifestEntity })
  @AllowAnonymous()
  async manifest(
    @CurrentActor() actor: Actor | null,
    @Param('id') id: string,
    @Param('repository_id', new ParseIdPipe('repository_id')) repositoryId: number,
    @Param('tag_name') tagName: string,
  ) {
    const { project } = await this.iam.projects.get(actor, resourceRef(id));
    const repository = await this.details.repositoryOf(project.id, repositoryId);
    // On /api/v4 the token's api/read_api scope was checked by the guard; registry scopes do not apply (as in the
    // management API), so roles and visibility decide. Deleting through the REST API still needs a write scope.
    const allowed = (await this.permissions.effectiveAccessToProject(actor, project.id, ON_REST))?.actions ?? [];
    if (!allowed.includes('pull')) throw IamError.forbidden();
    const canWrite = actor !== null && (actor.scopes === null || actor.scopes.includes('api'));
    const details = await this.details.describe(repository.path, tagName);
    const at = { repositoryPath: repository.path, tag: tagName, host: new URL(this.config.publicUrl).host };
    return presentTagManifest(details, at, canWrite && allowed.includes('delete'));
  }
}
