import { Body, Delete, Get, HttpCode, Inject, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '@cargohold/config';
import { Actor } from '@cargohold/iam';
import { APP_CONFIG } from '@cargohold/platform';
import { CurrentActor } from '../rest/current-actor.decorator';
import { paginate, PaginationQuery } from '../rest/pagination';
import { ParseIdPipe, resourceRef } from '../rest/parse-id.pipe';
import { RestController } from '../rest/rest-controller.decorator';
import { RestValidationError } from '../rest/rest-errors';
import { WebhookBodyDto, WebhookEventsQuery } from './webhook.dto';
import { presentDelivery, presentWebhook } from './webhook.presenter';
import { HookOwnerKind, WebhooksService } from './webhooks.service';
import { WebhookDeliveryEntity, WebhookEntity } from './webhook.entity';

const HOOK_ID = new ParseIdPipe('hook_id');

/** `/projects/:id/hooks` and `/groups/:id/hooks`, identical but for the owner; the subclasses say which. */
abstract class HooksController {
  protected abstract readonly kind: HookOwnerKind;

  constructor(
    private readonly webhooks: WebhooksService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get(':id/hooks')
  @ApiOkResponse({ type: WebhookEntity, isArray: true })
  async list(@CurrentActor() actor: Actor | null, @Param('id') id: string, @Req() req: Request, @Res({ passthrough: true }) res: Response, @Query() query: PaginationQuery) {
    const hooks = await paginate(req, res, query, this.config.publicUrl, (page) => this.webhooks.list(actor, this.kind, resourceRef(id), page));
    return hooks.map(presentWebhook);
  }

  @Get(':id/hooks/:hook_id')
  @ApiOkResponse({ type: WebhookEntity })
  async get(@CurrentActor() actor: Actor | null, @Param('id') id: string, @Param('hook_id', HOOK_ID) hookId: number) {
    return presentWebhook(await this.webhooks.get(actor, this.kind, resourceRef(id), hookId));
  }

  @Post(':id/hooks')
  async create(@CurrentActor() actor: Actor | null, @Param('id') id: string, @Body() body: WebhookBodyDto) {
    if (!body.url) throw new RestValidationError('url is missing');
    return presentWebhook(await this.webhooks.create(actor, this.kind, resourceRef(id), body));
  }

  @Put(':id/hooks/:hook_id')
  async update(@CurrentActor() actor: Actor | null, @Param('id') id: string, @Param('hook_id', HOOK_ID) hookId: number, @Body() body: WebhookBodyDto) {
    return presentWebhook(await this.webhooks.update(actor, this.kind, resourceRef(id), hookId, body));
  }

  @Delete(':id/hooks/:hook_id')
  @HttpCode(204)
  async remove(@CurrentActor() actor: Actor | null, @Param('id') id: string, @Param('hook_id', HOOK_ID) hookId: number): Promise<void> {
    await this.webhooks.delete(actor, this.kind, resourceRef(id), hookId);
  }

  /** The delivery log, newest first: event, status, HTTP status, duration and attempts of each delivery. */
  @Get(':id/hooks/:hook_id/events')
  @ApiOkResponse({ type: WebhookDeliveryEntity, isArray: true })
  async events(
    @CurrentActor() actor: Actor | null,
    @Param('id') id: string,
    @Param('hook_id', HOOK_ID) hookId: number,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Query() query: WebhookEventsQuery,
  ) {
    let url = '';
    const deliveries = await paginate(req, res, query, this.config.publicUrl, async (page) => {
      const result = await this.webhooks.deliveries(actor, this.kind, resourceRef(id), hookId, query.status, page);
      url = result.hook.url;
      return result;
    });
    return deliveries.map((delivery) => presentDelivery(delivery, url));
  }

  /** GitLab's `/test/:trigger`; here the trigger is `registry_events`. Delivered by the worker, not inline. */
  @Post(':id/hooks/:hook_id/test/:trigger')
  @HttpCode(201)
  async test(@CurrentActor() actor: Actor | null, @Param('id') id: string, @Param('hook_id', HOOK_ID) hookId: number, @Param('trigger') trigger: string) {
    const deliveryId = await this.webhooks.test(actor, this.kind, resourceRef(id), hookId, trigger);
    return { message: '201 Created', delivery_id: deliveryId };
  }
}

@RestController('projects')
export class ProjectHooksController extends HooksController {
  protected readonly kind = 'project' as const;
}

@RestController('groups')
export class GroupHooksController extends HooksController {
  protected readonly kind = 'group' as const;
}
