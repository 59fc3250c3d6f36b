import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Express } from 'express';
import { AppConfig } from '@cargohold/config';
import { APP_CONFIG } from '@cargohold/platform';
import { RegistryContext, TagManifestDetailsService } from '@cargohold/registry';
import { RegistryModule } from '../registry/registry.module';
import { RestModule } from '../rest/rest.module';
import { SessionController } from './session.controller';
import { DEFAULT_WEB_DIST, staticSite } from './static-site';
import { TagManifestController } from './tag-manifest.controller';
import { WebSessionModule } from './web-session.module';

/**
 * The web UI: browser sessions (`/api/v4/session`), the tag manifest view, and the built SPA at `/`.
 * The SPA handler is added in onModuleInit, which Nest runs after registering every route and before its
 * not-found handler: API routes always win, and unmatched API paths keep their JSON 404.
 */
@Module({
  imports: [WebSessionModule, RestModule, RegistryModule],
  providers: [{ provide: TagManifestDetailsService, inject: [RegistryContext], useFactory: (ctx: RegistryContext) => new TagManifestDetailsService(ctx) }],
  controllers: [SessionController, TagManifestController],
})
export class WebModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const app = this.adapterHost.httpAdapter?.getInstance<Express>();
    if (!app || typeof app.use !== 'function') return;
    app.use(staticSite(DEFAULT_WEB_DIST, this.config.publicUrl.startsWith('https:')));
  }
}
