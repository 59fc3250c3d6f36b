import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '@cargohold/config';
import { CoreModule, RegistryContextModule } from '@cargohold/platform';
import { DrainState } from './health/drain-state';
import { HealthController } from './health/health.controller';
import { IamModule } from './iam/iam.module';
import { RegistryModule } from './registry/registry.module';
import { AuditCoreModule } from './audit/audit-core.module';
import { AuditModule } from './audit/audit.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { ManifestCacheModule } from './registry/manifest-cache.module';
import { WebModule } from './web/web.module';
import { RegistryManagementModule } from './registry-management/registry-management.module';
import { RegistryProtectionModule } from './registry-protection/registry-protection.module';
import { CleanupPoliciesModule } from './cleanup/cleanup-policies.module';
import { EventsModule } from './events/events.module';
import { MetadataModule } from './metadata/metadata.module';
import { VirtualRegistriesModule } from './virtual-registries/virtual-registries.module';

@Module({})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        CoreModule.forRoot(config, 'api'),
        // The one RegistryContext: its event sink from WebhooksModule, its manifest cache and change notifier from ManifestCacheModule.
        RegistryContextModule.forRoot({ imports: [WebhooksModule, ManifestCacheModule] }),
        AuditCoreModule,
        WebhooksModule,
        AuditModule,
        RegistryModule,
        IamModule,
        RegistryManagementModule,
        RegistryProtectionModule,
        CleanupPoliciesModule,
        EventsModule,
        MetadataModule,
        VirtualRegistriesModule,
        WebModule,
      ],
      controllers: [HealthController],
      providers: [DrainState],
    };
  }
}
