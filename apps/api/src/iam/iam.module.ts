import { Module } from '@nestjs/common';
import { RestModule } from '../rest/rest.module';
import { CleanupPolicyCoreModule } from '../cleanup/cleanup-policy-core.module';
import { CiJobsController } from './ci-jobs.controller';
import { GroupDeployTokensController, InstanceDeployTokensController, ProjectDeployTokensController } from './deploy-tokens.controller';
import { GroupsController } from './groups.controller';
import { JobTokenScopeController } from './job-token-scope.controller';
import { GroupMembersController, ProjectMembersController } from './members.controller';
import { PersonalAccessTokensController } from './personal-access-tokens.controller';
import { ProjectsController } from './projects.controller';
import { GroupAccessTokensController, ProjectAccessTokensController } from './resource-access-tokens.controller';
import { UsersController } from './users.controller';

/** The identity REST API under /api/v4 (users, groups, projects, members, tokens, CI jobs). */
@Module({
  // CleanupPolicyCoreModule: GET /projects/:id shows the cleanup policy in force, as GitLab does.
  imports: [RestModule, CleanupPolicyCoreModule],
  controllers: [
    UsersController,
    GroupsController,
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
