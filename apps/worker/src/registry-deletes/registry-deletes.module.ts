import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QueueName } from '@cargohold/jobs';
import { registryContextProvider } from '@cargohold/platform';
import { RegistryContext, RegistryDeletionService } from '@cargohold/registry';
import { RegistryDeletesProcessor } from './registry-deletes.processor';

/** The worker's consumer of QueueName.RegistryDeletes: bulk tag deletes and repository deletes. */
@Module({
  imports: [BullModule.registerQueue({ name: QueueName.RegistryDeletes })],
  providers: [
    registryContextProvider,
    { provide: RegistryDeletionService, inject: [RegistryContext], useFactory: (ctx: RegistryContext) => new RegistryDeletionService(ctx) },
    RegistryDeletesProcessor,
  ],
})
export class RegistryDeletesModule {}
