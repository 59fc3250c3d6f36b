import { Module } from '@nestjs/common';
import { RestModule } from '../rest/rest.module';
import { CurrentUserEventsController, ProjectEventsController } from './events.controller';

/** GitLab's events API over the registry events of the audit trail. */
@Module({
  imports: [RestModule],
  controllers: [CurrentUserEventsController, ProjectEventsController],
})
export class EventsModule {}
