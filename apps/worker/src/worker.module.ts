import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '@cargohold/config';
import { QueueName } from '@cargohold/jobs';
import { CoreModule, RegistryContextModule } from '@cargohold/platform';
import { MaintenanceProcessor } from './maintenance/maintenance.processor';
import { MaintenanceScheduler } from './maintenance/maintenance.scheduler';
import { StrandedWorkRequeuer } from './maintenance/stranded-work.requeuer';
import { WebhooksWorkerModule } from './webhooks/webhooks.module';
import { garbageCollectorProvider } from './gc/garbage-collector.provider';
import { GcProcessor } from './gc/gc.processor';
import { GcScheduler } from './gc/gc.scheduler';
import { cleanupPolicyServiceProvider } from './cleanup/cleanup-policy.provider';
import { CleanupProcessor } from './cleanup/cleanup.processor';
import { CleanupScheduler } from './cleanup/cleanup.scheduler';
import { RegistryDeletesModule } from './registry-deletes/registry-deletes.module';
import { RegistryChangesModule } from './registry-changes.module';

@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        CoreModule.forRoot(config, 'worker'),
        BullModule.forRoot({ connection: { url: config.redisUrl, maxRetriesPerRequest: null }, prefix: config.redisPrefix }),
        BullModule.registerQueue({ name: QueueName.Maintenance }),
        BullModule.registerQueue({ name: QueueName.Gc }),
        BullModule.registerQueue({ name: QueueName.Cleanup }),
        // Producers only here (the requeuer); their consumers live in WebhooksWorkerModule and RegistryDeletesModule.
        BullModule.registerQueue({ name: QueueName.Webhooks }, { name: QueueName.RegistryDeletes }),
        // The one RegistryContext: its event sink from WebhooksWorkerModule, its change notifier from RegistryChangesModule.
        RegistryContextModule.forRoot({ imports: [WebhooksWorkerModule, RegistryChangesModule] }),
        RegistryDeletesModule,
        WebhooksWorkerModule,
      ],
      providers: [MaintenanceProcessor, MaintenanceScheduler, StrandedWorkRequeuer, garbageCollectorProvider, GcProcessor, GcScheduler, cleanupPolicyServiceProvider, CleanupProcessor, CleanupScheduler],
    };
  }
}
