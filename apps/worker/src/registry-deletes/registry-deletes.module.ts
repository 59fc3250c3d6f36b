import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QueueName } from '@cargohold/jobs';
import { NamespaceDeletionService, RegistryContext, RegistryDeletionService } from '@cargohold/registry';
import { RegistryDeletesProcessor } from './registry-deletes.processor';

/** The worker's consumer of QueueName.RegistryDeletes: bulk tag deletes, repository deletes, group and user deletes. */
@Module({
  imports: [BullModule.registerQueue({ name: QueueName.RegistryDeletes })],
  providers: [
    { provide: RegistryDeletionService, inject: [RegistryContext], useFactory: (ctx: RegistryContext) => new RegistryDeletionService(ctx) },
    {
      provide: NamespaceDeletionService,
      inject: [RegistryContext, RegistryDeletionService],
      useFactory: (ctx: RegistryContext, deletion: RegistryDeletionService) => new NamespaceDeletionService(ctx, deletion),
    },
    RegistryDeletesProcessor,
  ],
})
export class RegistryDeletesModule {}
