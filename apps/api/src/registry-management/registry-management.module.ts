import { Module } from '@nestjs/common';
import { RegistryContext, RegistryManagementService } from '@cargohold/registry';
import { JobsModule } from '../jobs/jobs.module';
import { RegistryModule } from '../registry/registry.module';
import { RestModule } from '../rest/rest.module';
import { BulkDeleteLease } from './bulk-delete-lease';
import { GroupRegistryController } from './group-registry.controller';
import { ProjectRegistryController } from './project-registry.controller';
import { RegistryAccess } from './registry-access';
import { RegistryRepositoriesController } from './registry-repositories.controller';
import { RegistryRequests } from './registry-requests.service';

/** GitLab's container registry REST API under /api/v4: repositories, tags, bulk deletes, storage, search. */
@Module({
  imports: [RestModule, RegistryModule, JobsModule],
  providers: [
    { provide: RegistryManagementService, inject: [RegistryContext], useFactory: (ctx: RegistryContext) => new RegistryManagementService(ctx) },
    RegistryAccess,
    BulkDeleteLease,
    RegistryRequests,
  ],
  controllers: [ProjectRegistryController, GroupRegistryController, RegistryRepositoriesController],
})
export class RegistryManagementModule {}
