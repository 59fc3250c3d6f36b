import { Module } from '@nestjs/common';
import { RegistryContext, RegistryManagementService } from '@cargohold/registry';
import { RegistryModule } from '../registry/registry.module';

/** The registry management service alone, for modules that only read from it (project statistics on GET /projects/:id). */
@Module({
  imports: [RegistryModule],
  providers: [{ provide: RegistryManagementService, inject: [RegistryContext], useFactory: (ctx: RegistryContext) => new RegistryManagementService(ctx) }],
  exports: [RegistryManagementService],
})
export class RegistryManagementCoreModule {}
