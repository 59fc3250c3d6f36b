import { Injectable } from '@nestjs/common';
import { Actor, authorOf, ChangeOrigin, IamServices, ResourceRef, restProtectionAccessLevel } from '@cargohold/iam';
import { DeletedTagRecord, DeletedTagService, RepositoryRecord, RestoredTag } from '@cargohold/registry';
import { OffsetPage } from '../rest/pagination';
import { eventActorOf, RegistryRequests } from './registry-requests.service';

/**
 * Deleted tags: who may list them (Developer, who may delete tags) and restore them (Maintainer), and the audit
 * row a restore writes in its own transaction. Controllers only parse and present.
 */
@Injectable()
export class DeletedTagRequests {
  constructor(
    private readonly requests: RegistryRequests,
    private readonly deletedTags: DeletedTagService,
    private readonly iam: IamServices,
  ) {}

  async list(actor: Actor | null, ref: ResourceRef, repositoryId: number, page: OffsetPage, name?: string): Promise<{ repository: RepositoryRecord; items: DeletedTagRecord[]; total: number }> {
    const repository = await this.requests.projectRepository(actor, ref, repositoryId, 'destroy');
    return { repository, ...(await this.deletedTags.list(repository.id, page, name)) };
  }

  async restore(actor: Actor | null, ref: ResourceRef, repositoryId: number, name: string, digest: string | undefined, origin: ChangeOrigin): Promise<RestoredTag> {
    const { repository, level } = await this.requests.projectRepositoryAndLevel(actor, ref, repositoryId, 'admin');
    return this.deletedTags.restore(repository, {
      name,
      digest,
      accessLevel: restProtectionAccessLevel(actor, level),
      actor: { ...eventActorOf(actor), ipAddress: origin.ipAddress },
      audit: async (db, restored) => {
        if (!actor) return;
        await this.iam.ctx.audit.append(db, {
          author: authorOf(actor),
          eventName: 'tag_restored',
          entity: { type: 'Project', id: restored.projectId },
          target: { type: 'ContainerRepository', id: `${restored.repositoryPath}:${restored.name}`, details: `${restored.repositoryPath}:${restored.name}` },
          details: { tag: restored.name, digest: restored.digest, deleted_at: restored.deletedAt, deleted_how: restored.how },
          ipAddress: origin.ipAddress,
        });
      },
    });
  }
}
