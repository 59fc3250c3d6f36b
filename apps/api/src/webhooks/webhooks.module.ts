import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Logger } from '@cargohold/common';
import { AppConfig } from '@cargohold/config';
import { IamServices } from '@cargohold/iam';
import { JobProducer } from '@cargohold/jobs';
import { APP_CONFIG, LOGGER, REGISTRY_EVENT_SINK } from '@cargohold/platform';
import { RegistryEventRecorder, WebhookDispatcher, WebhookRepository } from '@cargohold/registry';
import { JobsModule } from '../jobs/jobs.module';
import { RestModule } from '../rest/rest.module';
import { StorageLimitsCoreModule } from '../storage-limits/storage-limits-core.module';
import { ApplicationSettingsController } from './application-settings.controller';
import { GroupHooksController, ProjectHooksController } from './hooks.controller';
import { deliveryEnqueuer } from './webhook-jobs';
import { WebhooksService } from './webhooks.service';

/**
 * Webhooks in the api: the hooks REST API, /application/settings, and the process's registry event sink
 * (REGISTRY_EVENT_SINK, handed to RegistryContextModule), which writes the audit row and one delivery row per
 * matching hook in the change's transaction and queues the deliveries after the commit.
 */
@Module({
  imports: [RestModule, JobsModule, StorageLimitsCoreModule],
  controllers: [ProjectHooksController, GroupHooksController, ApplicationSettingsController],
  providers: [
    { provide: WebhookRepository, useFactory: () => new WebhookRepository() },
    {
      provide: WebhookDispatcher,
      inject: [DataSource, WebhookRepository, JobProducer, APP_CONFIG, LOGGER],
      useFactory: (db: DataSource, hooks: WebhookRepository, jobs: JobProducer, config: AppConfig, logger: Logger) =>
        new WebhookDispatcher(db, hooks, config.publicUrl, deliveryEnqueuer(jobs, config), logger),
    },
    {
      provide: REGISTRY_EVENT_SINK,
      inject: [WebhookDispatcher, APP_CONFIG],
      useFactory: (dispatcher: WebhookDispatcher, config: AppConfig) => new RegistryEventRecorder(dispatcher, config.publicUrl),
    },
    {
      provide: WebhooksService,
      inject: [IamServices, DataSource, WebhookRepository, WebhookDispatcher],
      useFactory: (iam: IamServices, db: DataSource, hooks: WebhookRepository, dispatcher: WebhookDispatcher) => new WebhooksService(iam, db, hooks, dispatcher),
    },
  ],
  exports: [REGISTRY_EVENT_SINK],
})
export class WebhooksModule {}
