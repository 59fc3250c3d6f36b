import { DataSource, EntityManager } from 'typeorm';
import { SecretBox } from '@cargohold/common';
import { AuditTrail } from './audit/audit-trail';
import { CiJobRepository } from './data/ci-job.repository';
import { DeployTokenRepository } from './data/deploy-token.repository';
import { JobTokenAllowlistRepository } from './data/job-token-allowlist.repository';
import { JobTokenScopeRepository } from './data/job-token-scope.repository';
import { MemberRepository } from './data/member.repository';
import { NamespaceRepository } from './data/namespace.repository';
import { PersonalAccessTokenRepository } from './data/personal-access-token.repository';
import { ProjectAccessRepository } from './data/project-access.repository';
import { ProjectRepository } from './data/project.repository';
import { UserRepository } from './data/user.repository';
import { PullThroughAccessRepository } from './data/pull-through-access.repository';

export interface IamSettings {
  /** External base URL (PUBLIC_URL): web_url fields and CI_REGISTRY. */
  publicUrl: string;
  /** How long a CI job (and so its job token) lives unless finished earlier. */
  jobTimeoutSeconds: number;
  /**
   * DATA_DIR: where the key sealing `gitlab-deploy-token` secrets lives (SecretBox, libs/common). Unset: such
   * secrets are not kept, and CI jobs get no CI_DEPLOY_USER / CI_DEPLOY_PASSWORD.
   */
  dataDir?: string;
}

export const DEFAULT_JOB_TIMEOUT_SECONDS = 3600;

/** What the identity services share: the database, the data access objects and settings. */
export class IamContext {
  readonly users = new UserRepository();
  readonly namespaces = new NamespaceRepository();
  readonly projects = new ProjectRepository();
  /** What permission decisions read about projects, for one credential, in one statement. */
  readonly projectAccess = new ProjectAccessRepository();
  readonly members = new MemberRepository();
  readonly personalAccessTokens = new PersonalAccessTokenRepository();
  readonly deployTokens = new DeployTokenRepository();
  readonly ciJobs = new CiJobRepository();
  readonly jobTokenAllowlist = new JobTokenAllowlistRepository();
  readonly jobTokenScope = new JobTokenScopeRepository();
  /** Which top-level group a pull-through path (virtual registry, dependency proxy) belongs to. */
  readonly pullThroughAccess = new PullThroughAccessRepository();
  readonly deployTokenSecrets: SecretBox | null;
  /** Audit rows of changes, written in the change's own transaction. */
  readonly audit = new AuditTrail();

  constructor(
    readonly db: DataSource,
    readonly settings: IamSettings,
  ) {
    this.deployTokenSecrets = settings.dataDir ? SecretBox.inDataDir(settings.dataDir, 'deploy-token-secrets.key') : null;
  }

  get manager(): EntityManager {
    return this.db.manager;
  }

  /** One short transaction; services compose several writes through it. */
  transaction<T>(work: (db: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }
}
