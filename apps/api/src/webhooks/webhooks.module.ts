import { Global, Inject, Module, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Logger } from '@cargohold/common';
import { AppConfig } from '@cargohold/config';
import { AuditLog, IamServices } from '@cargohold/iam';
import { JobProducer } from '@cargohold/jobs';
import { APP_CONFIG, LOGGER } from '@cargohold/platform';
import { installRegistryEventSink, RegistryEventRecorder, WebhookDispatcher, WebhookRepository } from '@cargohold/registry';
import { JobsModule } from '../jobs/jobs.module';
import { RestModule } from '../rest/rest.module';
import { ApplicationSettingsController } from './application-settings.controller';
import { GroupHooksController, ProjectHooksController } from './hooks.controller';
import { deliveryEnqueuer } from './webhook-jobs';
import { WebhooksService } from './webhooks.service';

/** Registry events for other code in the api (REST tag and repository deletes): inject this and call it after commit. */
export const REGISTRY_EVENTS = Symbol('REGISTRY_EVENTS');

/**
 * Webhooks in the api: the hooks REST API, /application/settings, and the process's registry event sink, which
 * records audit events and queues one delivery job per matching hook after each commit.
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
      inject: [DataSource, WebhookRepository, JobProducer, APP_CONFIG],
      useFactory: (db: DataSource, hooks: WebhookRepository, jobs: JobProducer, config: AppConfig) =>
        new WebhookDispatcher(db, hooks, config.publicUrl, deliveryEnqueuer(jobs, config)),
    },
    {
      provide: REGISTRY_EVENTS,
      inject: [WebhookDispatcher, AuditLog, LOGGER],
      useFactory: (dispatcher: WebhookDispatcher, audit: AuditLog, logger: Logger) => new RegistryEventRecorder(dispatcher, audit, logger),
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
