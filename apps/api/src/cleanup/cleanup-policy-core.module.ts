import { Module } from '@nestjs/common';
import { CleanupPolicyService, RegistryContext } from '@cargohold/registry';
import { RegistryModule } from '../registry/registry.module';

/** The cleanup policy service alone, for modules that only read policies (GET /projects/:id). */
@Module({
  imports: [RegistryModule],
  providers: [{ provide: CleanupPolicyService, inject: [RegistryContext], useFactory: (ctx: RegistryContext) => new CleanupPolicyService(ctx) }],
  exports: [CleanupPolicyService],
})
export class CleanupPolicyCoreModule {}
