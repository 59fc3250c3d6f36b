import { Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppConfig } from '@cargohold/config';
import { Actor, EventQuery, IamServices } from '@cargohold/iam';
import { APP_CONFIG } from '@cargohold/platform';
import { CurrentActor } from '../rest/current-actor.decorator';
import { paginate } from '../rest/pagination';
import { resourceRef } from '../rest/parse-id.pipe';
import { RestController } from '../rest/rest-controller.decorator';
import { AllowAnonymous, AllowScopes } from '../rest/route-access.decorator';
import { CurrentUserEventsQuery, EventsQuery } from './events.dto';
import { presentEvent } from './event.presenter';

/** `GET /events`: the caller's own registry events (GitLab accepts `read_user` tokens here). */
@RestController('events')
export class CurrentUserEventsController {
  constructor(
    private readonly iam: IamServices,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @AllowScopes('read_user')
  async list(@CurrentActor() actor: Actor | null, @Req() req: Request, @Res({ passthrough: true }) res: Response, @Query() query: CurrentUserEventsQuery) {
    const events = await paginate(req, res, query, this.config.publicUrl, (page) =>
      this.iam.events.ofCurrentUser(actor, { ...eventQuery(query), scope: query.scope === 'all' ? 'all' : undefined }, page),
    );
    return events.map((event) => presentEvent(event, this.config.publicUrl));
  }
}

/** `GET /projects/:id/events`: a project's visible registry events. */
@RestController('projects')
export class ProjectEventsController {
  constructor(
    private readonly iam: IamServices,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get(':id/events')
  @AllowAnonymous()
  async list(@CurrentActor() actor: Actor | null, @Param('id') id: string, @Req() req: Request, @Res({ passthrough: true }) res: Response, @Query() query: EventsQuery) {
    const events = await paginate(req, res, query, this.config.publicUrl, (page) => this.iam.events.ofProject(actor, resourceRef(id), eventQuery(query), page));
    return events.map((event) => presentEvent(event, this.config.publicUrl));
  }
}

function eventQuery(query: EventsQuery): EventQuery {
  return { action: query.action, targetType: query.target_type, before: query.before, after: query.after, sort: query.sort };
}
