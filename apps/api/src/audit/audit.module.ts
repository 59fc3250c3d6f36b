import { Module } from '@nestjs/common';
import { AuditLog, IamServices } from '@cargohold/iam';
import { RestModule } from '../rest/rest.module';
import { GroupAuditEventsController, InstanceAuditEventsController, ProjectAuditEventsController } from './audit-events.controller';
import { AuditEventsService } from './audit-events.service';

/**
 * The /audit_events endpoints. Changes record their own audit rows in the iam and registry services, in the
 * transaction of the change (AuditTrail); logins record through AuditLog.
 */
@Module({
  imports: [RestModule],
  controllers: [InstanceAuditEventsController, ProjectAuditEventsController, GroupAuditEventsController],
  providers: [
    { provide: AuditEventsService, inject: [IamServices, AuditLog], useFactory: (iam: IamServices, audit: AuditLog) => new AuditEventsService(iam, audit) },
  ],
})
export class AuditModule {}
