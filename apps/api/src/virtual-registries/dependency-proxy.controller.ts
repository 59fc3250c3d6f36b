import { Body, Delete, Get, HttpCode, Inject, Param, Put } from '@nestjs/common';
import { AppConfig } from '@cargohold/config';
import { Actor } from '@cargohold/iam';
import { APP_CONFIG } from '@cargohold/platform';
import { DependencyProxySettings } from '@cargohold/registry';
import { CurrentActor } from '../rest/current-actor.decorator';
import { resourceRef } from '../rest/parse-id.pipe';
import { RestController } from '../rest/rest-controller.decorator';
import { DependencyProxySettingsDto } from './virtual-registries.dto';
import { VirtualRegistryRequests } from './virtual-registry-requests';

/**
 * The group dependency proxy: its settings (GitLab keeps them in GraphQL, `dependencyProxySetting` and
 * `dependencyProxyImageTtlPolicy`; here one REST resource) and the purge (doc/api/dependency_proxy.md).
 */
@RestController('groups')
export class DependencyProxyController {
  constructor(
    private readonly requests: VirtualRegistryRequests,
    @Inject(APP_CONFIG) private readonly appConfig: AppConfig,
  ) {}

  @Get(':id/dependency_proxy')
  async get(@CurrentActor() actor: Actor | null, @Param('id') id: string) {
    const group = await this.requests.group(actor, resourceRef(id), false);
    return this.present(group.fullPath, await this.requests.config.dependencyProxySettings(group.id), await this.requests.config.groupCacheBytes(group.id));
  }

  @Put(':id/dependency_proxy')
  async update(@CurrentActor() actor: Actor | null, @Param('id') id: string, @Body() body: DependencyProxySettingsDto) {
    const group = await this.requests.group(actor, resourceRef(id), true);
    const settings = await this.requests.config.updateDependencyProxySettings(group.id, {
      enabled: body.enabled,
      identity: body.identity,
      secret: body.secret,
      ttlPolicyEnabled: body.image_ttl_policy?.enabled,
      ttlDays: body.image_ttl_policy?.ttl,
    });
    return this.present(group.fullPath, settings, await this.requests.config.groupCacheBytes(group.id));
  }

  /** GitLab: Owner only; the cached manifests and blobs go, their bytes when GC finds nothing else holds them. */
  @Delete(':id/dependency_proxy/cache')
  @HttpCode(202)
  async purge(@CurrentActor() actor: Actor | null, @Param('id') id: string): Promise<void> {
    const group = await this.requests.group(actor, resourceRef(id), 'owner');
    await this.requests.config.purgeDependencyProxy(group.id);
  }

  private present(fullPath: string, settings: DependencyProxySettings, cacheBytes: number) {
    return {
      enabled: settings.enabled,
      identity: settings.identity,
      image_ttl_policy: { enabled: settings.ttlPolicyEnabled, ttl: settings.ttlDays },
      image_prefix: `${new URL(this.appConfig.publicUrl).host}/${fullPath}/dependency_proxy/containers`,
      // Bytes of every pull-through cache of the group (dependency proxy and virtual registries), each digest once.
      total_size_bytes: cacheBytes,
    };
  }
}
