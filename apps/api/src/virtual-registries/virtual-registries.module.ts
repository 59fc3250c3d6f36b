import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '@cargohold/config';
import { IamServices } from '@cargohold/iam';
import { APP_CONFIG } from '@cargohold/platform';
import { PullThroughCatalog, VirtualRegistryConfigService } from '@cargohold/registry';
import { IamCoreModule } from '../iam/iam-core.module';
import { RestModule } from '../rest/rest.module';
import { PullThroughCoreModule } from './pull-through-core.module';
import { DependencyProxyController } from './dependency-proxy.controller';
import { VirtualRegistriesController } from './virtual-registries.controller';
import { VirtualRegistryRequests } from './virtual-registry-requests';

/** The container virtual registry and dependency proxy REST API. */
@Module({
  imports: [RestModule, IamCoreModule, PullThroughCoreModule],
  controllers: [VirtualRegistriesController, DependencyProxyController],
  providers: [
    {
      provide: VirtualRegistryConfigService,
      inject: [DataSource, PullThroughCatalog, APP_CONFIG],
      useFactory: (db: DataSource, catalog: PullThroughCatalog, config: AppConfig) =>
        new VirtualRegistryConfigService(db, catalog, { reviewDelaySeconds: config.gcReviewDelay }),
    },
    {
      provide: VirtualRegistryRequests,
      inject: [IamServices, VirtualRegistryConfigService],
      useFactory: (iam: IamServices, config: VirtualRegistryConfigService) => new VirtualRegistryRequests(iam, config),
    },
  ],
})
export class VirtualRegistriesModule {}
