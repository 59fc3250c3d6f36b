import { Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppConfig } from '@cargohold/config';
import { Actor } from '@cargohold/iam';
import { APP_CONFIG } from '@cargohold/platform';
import { CurrentActor } from '../rest/current-actor.decorator';
import { paginate } from '../rest/pagination';
import { ParseIdPipe, resourceRef } from '../rest/parse-id.pipe';
import { RestController } from '../rest/rest-controller.decorator';
import { AuditEventsQuery, InstanceAuditEventsQuery } from './audit-events.dto';
import { AuditEventsService } from './audit-events.service';
import { presentAuditEvent } from './audit-event.presenter';

const EVENT_ID = new ParseIdPipe('audit_event_id');

/** `GET /audit_events[/:id]`: the whole trail, administrators only. */
@RestController('audit_events')
export class InstanceAuditEventsController {
  constructor(
    private readonly events: AuditEventsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  async list(@CurrentActor() actor: Actor | null, @Req() req: Request, @Res({ passthrough: true }) res: Response, @Query() query: InstanceAuditEventsQuery) {
    return (await paginate(req, res, query, this.config.publicUrl, (page) => this.events.instance(actor, query, page))).map(presentAuditEvent);
  }

  @Get(':audit_event_id')
  async get(@CurrentActor() actor: Actor | null, @Param('audit_event_id', EVENT_ID) id: number) {
    return presentAuditEvent(await this.events.instanceOne(actor, id));
  }
}

/** `GET /projects/:id/audit_events` (Maintainer+) and `GET /groups/:id/audit_events` (Owner). */
abstract class ScopedAuditEventsController {
  protected abstract readonly kind: 'project' | 'group';

  constructor(
    private readonly events: AuditEventsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get(':id/audit_events')
  async list(@CurrentActor() actor: Actor | null, @Param('id') id: string, @Req() req: Request, @Res({ passthrough: true }) res: Response, @Query() query: AuditEventsQuery) {
    const events = await paginate(req, res, query, this.config.publicUrl, (page) => this.events.scoped(actor, this.kind, resourceRef(id), query, page));
    return events.map(presentAuditEvent);
  }

  @Get(':id/audit_events/:audit_event_id')
  async get(@CurrentActor() actor: Actor | null, @Param('id') id: string, @Param('audit_event_id', EVENT_ID) eventId: number) {
    return presentAuditEvent(await this.events.scopedOne(actor, this.kind, resourceRef(id), eventId));
  }
}

@RestController('projects')
export class ProjectAuditEventsController extends ScopedAuditEventsController {
  protected readonly kind = 'project' as const;
}

@RestController('groups')
export class GroupAuditEventsController extends ScopedAuditEventsController {
  protected readonly kind = 'group' as const;
}
