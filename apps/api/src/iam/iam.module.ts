import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { RestModule } from '../rest/rest.module';
import { CleanupPolicyCoreModule } from '../cleanup/cleanup-policy-core.module';
import { RegistryManagementCoreModule } from '../registry-management/registry-management-core.module';
import { CiJobsController } from './ci-jobs.controller';
import { GroupDeployTokensController, InstanceDeployTokensController, ProjectDeployTokensController } from './deploy-tokens.controller';
import { DeletionRequests } from './deletion-requests.service';
import { GroupsController } from './groups.controller';
import { NamespacesController } from './namespaces.controller';
import { ProjectStatisticsService } from './project-statistics.service';
import { JobTokenScopeController } from './job-token-scope.controller';
import { GroupMembersController, ProjectMembersController } from './members.controller';
import { PersonalAccessTokensController } from './personal-access-tokens.controller';
import { ProjectsController } from './projects.controller';
import { GroupAccessTokensController, ProjectAccessTokensController } from './resource-access-tokens.controller';
import { UsersController } from './users.controller';
import { StorageLimitsCoreModule } from '../storage-limits/storage-limits-core.module';

/** The identity REST API under /api/v4 (users, groups, projects, members, tokens, CI jobs). */
@Module({
  // CleanupPolicyCoreModule: GET /projects/:id shows the cleanup policy in force, as GitLab does;
  // RegistryManagementCoreModule: its `statistics` (container_registry_size); StorageLimitsCoreModule: storage limits.
  imports: [RestModule, CleanupPolicyCoreModule, RegistryManagementCoreModule, JobsModule, StorageLimitsCoreModule],
  providers: [ProjectStatisticsService, DeletionRequests],
  controllers: [
    UsersController,
    GroupsController,
    NamespacesController,
    ProjectsController,
    GroupMembersController,
    ProjectMembersController,
    PersonalAccessTokensController,
    ProjectAccessTokensController,
    GroupAccessTokensController,
    ProjectDeployTokensController,
    GroupDeployTokensController,
    InstanceDeployTokensController,
    CiJobsController,
    JobTokenScopeController,
  ],
})
export class IamModule {}
