import { Module } from '@nestjs/common';
import { CleanupPolicyService, CleanupPreviewService, RegistryContext, RegistryManagementService } from '@cargohold/registry';
import { JobsModule } from '../jobs/jobs.module';
import { RegistryModule } from '../registry/registry.module';
import { RestModule } from '../rest/rest.module';
import { CleanupPoliciesController } from './cleanup-policies.controller';
import { CleanupPolicyCoreModule } from './cleanup-policy-core.module';
import { CleanupPreviewController } from './cleanup-preview.controller';

/** Cleanup policy endpoints; the worker runs the policies (apps/worker/src/cleanup). */
@Module({
  imports: [RestModule, RegistryModule, JobsModule, CleanupPolicyCoreModule],
  providers: [
    { provide: RegistryManagementService, inject: [RegistryContext], useFactory: (ctx: RegistryContext) => new RegistryManagementService(ctx) },
    {
      provide: CleanupPreviewService,
      inject: [RegistryContext, CleanupPolicyService],
      useFactory: (ctx: RegistryContext, policies: CleanupPolicyService) => new CleanupPreviewService(ctx, policies),
    },
  ],
  controllers: [CleanupPoliciesController, CleanupPreviewController],
})
export class CleanupPoliciesModule {}
