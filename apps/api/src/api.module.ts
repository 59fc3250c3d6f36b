import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '@cargohold/config';
import { CoreModule } from '@cargohold/platform';
import { HealthController } from './health/health.controller';
import { IamModule } from './iam/iam.module';
import { RegistryModule } from './registry/registry.module';
import { WebModule } from './web/web.module';
import { RegistryManagementModule } from './registry-management/registry-management.module';
import { CleanupPoliciesModule } from './cleanup/cleanup-policies.module';

@Module({})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [CoreModule.forRoot(config, 'api'), RegistryModule, IamModule, RegistryManagementModule, CleanupPoliciesModule, WebModule],
      controllers: [HealthController],
    };
  }
}
