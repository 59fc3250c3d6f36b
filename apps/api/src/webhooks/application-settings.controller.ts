import { Body, Get, Put } from '@nestjs/common';
import { Actor } from '@cargohold/iam';
import { CurrentActor } from '../rest/current-actor.decorator';
import { RestController } from '../rest/rest-controller.decorator';
import { StorageLimitsRequests } from '../storage-limits/storage-limits.service';
import { ApplicationSettingsDto } from './webhook.dto';
import { WebhooksService } from './webhooks.service';

/** `GET/PUT /application/settings` (administrators): the settings this platform has, in GitLab's names. */
@RestController('application/settings')
export class ApplicationSettingsController {
  constructor(
    private readonly webhooks: WebhooksService,
    private readonly storageLimits: StorageLimitsRequests,
  ) {}

  @Get()
  async get(@CurrentActor() actor: Actor | null) {
    return present(await this.webhooks.settings(actor), await this.storageLimits.instanceDefault(actor));
  }

  @Put()
  async update(@CurrentActor() actor: Actor | null, @Body() body: ApplicationSettingsDto) {
    const settings = await this.webhooks.updateSettings(actor, { allowLocalRequests: body.allow_local_requests_from_web_hooks_and_services });
    if (body.container_registry_storage_limit !== undefined) await this.storageLimits.setInstanceDefault(actor, body.container_registry_storage_limit);
    return present(settings, await this.storageLimits.instanceDefault(actor));
  }
}

function present(settings: { allowLocalRequests: boolean }, storageLimit: number) {
  return {
    id: 1,
    allow_local_requests_from_web_hooks_and_services: settings.allowLocalRequests,
    /** Bytes each project may store in the registry unless it has its own limit; 0: none. */
    container_registry_storage_limit: storageLimit,
  };
}
