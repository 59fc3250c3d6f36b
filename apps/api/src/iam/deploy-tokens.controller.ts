import { Body, Delete, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '@cargohold/config';
import { Actor, ChangeOrigin, IamServices, SourceRef } from '@cargohold/iam';
import { APP_CONFIG } from '@cargohold/platform';
import { CurrentActor } from '../rest/current-actor.decorator';
import { paginate } from '../rest/pagination';
import { ParseIdPipe, resourceRef } from '../rest/parse-id.pipe';
import { RestController } from '../rest/rest-controller.decorator';
import { RequestChangeOrigin } from '../rest/change-origin.decorator';
import { CreateDeployTokenDto, ListDeployTokensQuery } from './dto/tokens.dto';
import { presentDeployToken } from './presenters/token.presenter';
import { DeployTokenEntity } from './presenters/token.entity';

/** Deploy tokens of projects and groups (`/projects/:id/deploy_tokens`, `/groups/:id/deploy_tokens`). */
abstract class DeployTokensController {
  protected abstract readonly kind: SourceRef['kind'];

  constructor(
    private readonly iam: IamServices,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get(':id/deploy_tokens')
  @ApiOkResponse({ type: DeployTokenEntity, isArray: true })
  async list(@CurrentActor() actor: Actor | null, @Param('id') id: string, @Req() req: Request, @Res({ passthrough: true }) res: Response, @Query() query: ListDeployTokensQuery) {
    const tokens = await paginate(req, res, query, this.config.publicUrl, (page) =>
      this.iam.deployTokens.list(actor, this.source(id), { active: query.active }, page),
    );
    return tokens.map((token) => presentDeployToken(token));
  }

  @Post(':id/deploy_tokens')
  @ApiCreatedResponse({ type: DeployTokenEntity })
  async create(@CurrentActor() actor: Actor | null, @RequestChangeOrigin() origin: ChangeOrigin, @Param('id') id: string, @Body() body: CreateDeployTokenDto) {
    const token = await this.iam.deployTokens.create(actor, this.source(id), {
      name: body.name,
      scopes: body.scopes,
      expiresAt: body.expires_at ?? null,
      username: body.username ?? null,
    }, origin);
    return presentDeployToken(token);
  }

  @Get(':id/deploy_tokens/:token_id')
  @ApiOkResponse({ type: DeployTokenEntity })
  async get(@CurrentActor() actor: Actor | null, @Param('id') id: string, @Param('token_id', new ParseIdPipe('token_id')) tokenId: number) {
    return presentDeployToken(await this.iam.deployTokens.get(actor, this.source(id), tokenId));
  }

  /** Removes the token (GitLab): gone from lists, 404 afterwards; audited as `deploy_token_revoked` with its name. */
  @Delete(':id/deploy_tokens/:token_id')
  @HttpCode(204)
  async remove(@CurrentActor() actor: Actor | null, @RequestChangeOrigin() origin: ChangeOrigin, @Param('id') id: string, @Param('token_id', new ParseIdPipe('token_id')) tokenId: number): Promise<void> {
    await this.iam.deployTokens.remove(actor, this.source(id), tokenId, origin);
  }

  private source(id: string): SourceRef {
    return { kind: this.kind, ref: resourceRef(id) };
  }
}

@RestController('projects')
export class ProjectDeployTokensController extends DeployTokensController {
  protected readonly kind = 'project' as const;
}

@RestController('groups')
export class GroupDeployTokensController extends DeployTokensController {
  protected readonly kind = 'group' as const;
}

/** `GET /deploy_tokens`: every deploy token of the instance, for administrators. */
@RestController('deploy_tokens')
export class InstanceDeployTokensController {
  constructor(
    private readonly iam: IamServices,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  async list(@CurrentActor() actor: Actor | null, @Req() req: Request, @Res({ passthrough: true }) res: Response, @Query() query: ListDeployTokensQuery) {
    const tokens = await paginate(req, res, query, this.config.publicUrl, (page) => this.iam.deployTokens.listAll(actor, { active: query.active }, page));
    return tokens.map((token) => presentDeployToken(token));
  }
}
