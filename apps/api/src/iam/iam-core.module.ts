import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '@cargohold/config';
import { AuthFailureThrottle, CredentialService, DEFAULT_JOB_TIMEOUT_SECONDS, IamContext, IamServices, RegistryPermissionService } from '@cargohold/iam';
import { APP_CONFIG, RedisCounters } from '@cargohold/platform';
import { RedisFailureCounter } from './redis-failure-counter';
import { AdminBootstrapper } from './admin-bootstrapper';

/**
 * The framework-free identity services (libs/iam), wired once. The token service and the /v2/ guard import this
 * module for CredentialService, RegistryPermissionService and the shared AuthFailureThrottle.
 */
@Module({
  providers: [
    {
      provide: IamServices,
      inject: [DataSource, APP_CONFIG],
      useFactory: (db: DataSource, config: AppConfig) =>
        new IamServices(new IamContext(db, { publicUrl: config.publicUrl, jobTimeoutSeconds: DEFAULT_JOB_TIMEOUT_SECONDS, dataDir: config.dataDir })),
    },
    { provide: CredentialService, inject: [IamServices], useFactory: (iam: IamServices) => iam.credentials },
    { provide: RegistryPermissionService, inject: [IamServices], useFactory: (iam: IamServices) => iam.registryPermissions },
    // One per process, shared by REST and the token service, so failures on either count together; and counted
    // in Redis, so failures spread over several replicas count together too.
    {
      provide: AuthFailureThrottle,
      inject: [RedisCounters],
      useFactory: (counters: RedisCounters) => new AuthFailureThrottle({}, Date.now, new RedisFailureCounter(counters)),
    },
    AdminBootstrapper,
  ],
  exports: [IamServices, CredentialService, RegistryPermissionService, AuthFailureThrottle],
})
export class IamCoreModule {}
