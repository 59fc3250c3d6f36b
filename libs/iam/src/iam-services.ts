import { AccessService } from './access.service';
import { BootstrapService } from './bootstrap.service';
import { CiJobService } from './ci-job.service';
import { CredentialService } from './credential.service';
import { DeletionRequestService } from './deletion-request.service';
import { DeployTokenService } from './deploy-token.service';
import { EventFeedService } from './event-feed.service';
import { GroupService } from './group.service';
import { IamContext } from './iam-context';
import { JobTokenScopeService } from './job-token-scope.service';
import { MemberService } from './member.service';
import { NamespaceService } from './namespace.service';
import { PersonalAccessTokenService } from './personal-access-token.service';
import { ProjectService } from './project.service';
import { RegistryPermissionService } from './registry-permission.service';
import { ResourceAccessTokenService } from './resource-access-token.service';
import { UserService } from './user.service';

/** Every identity service, wired once over one context (the api's module and the CLI both build this). */
export class IamServices {
  readonly access: AccessService;
  readonly users: UserService;
  readonly groups: GroupService;
  readonly projects: ProjectService;
  readonly members: MemberService;
  readonly namespaces: NamespaceService;
  readonly events: EventFeedService;
  readonly personalAccessTokens: PersonalAccessTokenService;
  readonly resourceAccessTokens: ResourceAccessTokenService;
  readonly deployTokens: DeployTokenService;
  readonly ciJobs: CiJobService;
  readonly jobTokenScope: JobTokenScopeService;
  readonly credentials: CredentialService;
  readonly registryPermissions: RegistryPermissionService;
  readonly bootstrap: BootstrapService;
  readonly deletions: DeletionRequestService;

  constructor(readonly ctx: IamContext) {
    this.access = new AccessService(ctx);
    this.users = new UserService(ctx);
    this.groups = new GroupService(ctx, this.access);
    this.projects = new ProjectService(ctx, this.access);
    this.members = new MemberService(ctx, this.access);
    this.namespaces = new NamespaceService(ctx, this.access);
    this.registryPermissions = new RegistryPermissionService(ctx, this.access);
    this.events = new EventFeedService(ctx, this.access, this.registryPermissions);
    this.personalAccessTokens = new PersonalAccessTokenService(ctx);
    this.resourceAccessTokens = new ResourceAccessTokenService(ctx, this.access, this.users);
    this.deployTokens = new DeployTokenService(ctx, this.access);
    this.ciJobs = new CiJobService(ctx, this.access);
    this.jobTokenScope = new JobTokenScopeService(ctx, this.access);
    this.credentials = new CredentialService(ctx);
    this.bootstrap = new BootstrapService(ctx, this.users, this.personalAccessTokens);
    this.deletions = new DeletionRequestService(ctx, this.access);
  }
}
