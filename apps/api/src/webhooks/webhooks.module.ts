import { Global, Inject, Module, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Logger } from '@cargohold/common';
import { AppConfig } from '@cargohold/config';
import { IamServices } from '@cargohold/iam';
import { JobProducer } from '@cargohold/jobs';
import { APP_CONFIG, LOGGER } from '@cargohold/platform';
import { installRegistryEventSink, RegistryEventRecorder, WebhookDispatcher, WebhookRepository } from '@cargohold/registry';
import { JobsModule } from '../jobs/jobs.module';
import { RestModule } from '../rest/rest.module';
import { ApplicationSettingsController } from './application-settings.controller';
import { GroupHooksController, ProjectHooksController } from './hooks.controller';
import { deliveryEnqueuer } from './webhook-jobs';
import { WebhooksService } from './webhooks.service';

/** Registry events for other code in the api: record in the change's transaction, publish after commit. */
export const REGISTRY_EVENTS = Symbol('REGISTRY_EVENTS');

/**
 * Webhooks in the api: the hooks REST API, /application/settings, and the process's registry event sink, which
 * writes the audit row and one delivery row per matching hook in the change's transaction and queues the
 * deliveries after the commit.
 * Global so any module can inject REGISTRY_EVENTS without importing this one (no import cycles).
 */
@Global()
@Module({
  imports: [RestModule, JobsModule],
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
      provide: REGISTRY_EVENTS,
      inject: [WebhookDispatcher, APP_CONFIG],
      useFactory: (dispatcher: WebhookDispatcher, config: AppConfig) => new RegistryEventRecorder(dispatcher, config.publicUrl),
    },
    {
      provide: WebhooksService,
      inject: [IamServices, DataSource, WebhookRepository, WebhookDispatcher],
      useFactory: (iam: IamServices, db: DataSource, hooks: WebhookRepository, dispatcher: WebhookDispatcher) => new WebhooksService(iam, db, hooks, dispatcher),
    },
  ],
  exports: [REGISTRY_EVENTS],
})
export class WebhooksModule implements OnModuleInit {
  constructor(
    @Inject(REGISTRY_EVENTS) private readonly events: RegistryEventRecorder,
  ) {}

  /** Before the server listens: /v2/ pushes and deletes from now on reach the audit trail and the hooks. */
  onModuleInit(): void {
    installRegistryEventSink(this.events);
  }
}
