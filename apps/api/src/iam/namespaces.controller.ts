import { Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppConfig } from '@cargohold/config';
import { Actor, IamServices } from '@cargohold/iam';
import { APP_CONFIG } from '@cargohold/platform';
import { CurrentActor } from '../rest/current-actor.decorator';
import { paginate } from '../rest/pagination';
import { resourceRef } from '../rest/parse-id.pipe';
import { RestController } from '../rest/rest-controller.decorator';
import { ListNamespacesQuery } from './dto/namespaces.dto';
import { presentNamespace } from './presenters/namespace.presenter';

/** `/namespaces`: users' personal namespaces and groups, for signed-in callers. */
@RestController('namespaces')
export class NamespacesController {
  constructor(
    private readonly iam: IamServices,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  async list(@CurrentActor() actor: Actor | null, @Req() req: Request, @Res({ passthrough: true }) res: Response, @Query() query: ListNamespacesQuery) {
    const namespaces = await paginate(req, res, query, this.config.publicUrl, (page) =>
      this.iam.namespaces.list(actor, { search: query.search, ownedOnly: query.owned_only }, page),
    );
    return namespaces.map((namespace) => presentNamespace(namespace, this.config.publicUrl));
  }

  @Get(':id')
  async get(@CurrentActor() actor: Actor | null, @Param('id') id: string) {
    return presentNamespace(await this.iam.namespaces.get(actor, resourceRef(id)), this.config.publicUrl);
  }
}
