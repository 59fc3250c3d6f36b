import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AuditLog, IamServices } from '@cargohold/iam';
import { RestModule } from '../rest/rest.module';
import { GroupAuditEventsController, InstanceAuditEventsController, ProjectAuditEventsController } from './audit-events.controller';
import { AuditEventsService } from './audit-events.service';
import { AuditInterceptor } from './audit.interceptor';

/** The /audit_events endpoints, and the interceptor that records @Audited routes. */
@Module({
  imports: [RestModule],
  controllers: [InstanceAuditEventsController, ProjectAuditEventsController, GroupAuditEventsController],
  providers: [
    { provide: AuditEventsService, inject: [IamServices, AuditLog], useFactory: (iam: IamServices, audit: AuditLog) => new AuditEventsService(iam, audit) },
    // Global, but inert on every route without @Audited.
    { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
  ],
})
export class AuditModule {}
