import { Body, Get, Put } from '@nestjs/common';
import { Actor } from '@cargohold/iam';
import { CurrentActor } from '../rest/current-actor.decorator';
import { RestController } from '../rest/rest-controller.decorator';
import { ApplicationSettingsDto } from './webhook.dto';
import { WebhooksService } from './webhooks.service';

/** `GET/PUT /application/settings` (administrators): the settings this platform has, in GitLab's names. */
@RestController('application/settings')
export class ApplicationSettingsController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  async get(@CurrentActor() actor: Actor | null) {
    return present(await this.webhooks.settings(actor));
  }

  @Put()
  async update(@CurrentActor() actor: Actor | null, @Body() body: ApplicationSettingsDto) {
    return present(await this.webhooks.updateSettings(actor, { allowLocalRequests: body.allow_local_requests_from_web_hooks_and_services }));
  }
}

function present(settings: { allowLocalRequests: boolean }) {
  return { id: 1, allow_local_requests_from_web_hooks_and_services: settings.allowLocalRequests };
}
