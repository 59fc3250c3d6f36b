import { Module } from '@nestjs/common';
import { DeletedTagService, ProtectionViewService, RegistryContext } from '@cargohold/registry';
import { JobsModule } from '../jobs/jobs.module';
import { RegistryModule } from '../registry/registry.module';
import { RestModule } from '../rest/rest.module';
import { BulkDeleteLease } from './bulk-delete-lease';
import { DeletedTagRequests } from './deleted-tag-requests.service';
import { DeletedTagsController } from './deleted-tags.controller';
import { GroupRegistryController } from './group-registry.controller';
import { ProjectRegistryController } from './project-registry.controller';
import { RegistryManagementCoreModule } from './registry-management-core.module';
import { RegistryRepositoriesController } from './registry-repositories.controller';
import { RegistryRequests } from './registry-requests.service';

/** GitLab's container registry REST API under /api/v4: repositories, tags, bulk deletes, storage, search; deleted tags and restores. */
@Module({
  imports: [RestModule, RegistryModule, RegistryManagementCoreModule, JobsModule],
  providers: [
    BulkDeleteLease,
    RegistryRequests,
    DeletedTagRequests,
    { provide: DeletedTagService, inject: [RegistryContext], useFactory: (ctx: RegistryContext) => new DeletedTagService(ctx) },
    { provide: ProtectionViewService, inject: [RegistryContext], useFactory: (ctx: RegistryContext) => new ProtectionViewService(ctx) },
  ],
  controllers: [ProjectRegistryController, GroupRegistryController, RegistryRepositoriesController, DeletedTagsController],
})
export class RegistryManagementModule {}
