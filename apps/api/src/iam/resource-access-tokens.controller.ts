import { Body, Delete, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '@cargohold/config';
import { Actor, ChangeOrigin, IamServices, SourceRef } from '@cargohold/iam';
import { APP_CONFIG } from '@cargohold/platform';
import { CurrentActor } from '../rest/current-actor.decorator';
import { paginate, PaginationQuery } from '../rest/pagination';
import { ParseIdPipe, resourceRef } from '../rest/parse-id.pipe';
import { RestController } from '../rest/rest-controller.decorator';
import { RequestChangeOrigin } from '../rest/change-origin.decorator';
import { CreateResourceAccessTokenDto, RotateTokenDto } from './dto/tokens.dto';
import { presentResourceAccessToken } from './presenters/token.presenter';
import { ResourceAccessTokenEntity } from './presenters/token.entity';

/** Project and group access tokens (`/projects/:id/access_tokens`, `/groups/:id/access_tokens`). */
abstract class ResourceAccessTokensController {
  protected abstract readonly kind: SourceRef['kind'];

  constructor(
    private readonly iam: IamServices,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get(':id/access_tokens')
  @ApiOkResponse({ type: ResourceAccessTokenEntity, isArray: true })
  async list(@CurrentActor() actor: Actor | null, @Param('id') id: string, @Req() req: Request, @Res({ passthrough: true }) res: Response, @Query() query: PaginationQuery) {
    const tokens = await paginate(req, res, query, this.config.publicUrl, (page) => this.iam.resourceAccessTokens.list(actor, this.source(id), page));
    return tokens.map((token) => presentResourceAccessToken(token));
  }

  @Post(':id/access_tokens')
  @ApiCreatedResponse({ type: ResourceAccessTokenEntity })
  async create(@CurrentActor() actor: Actor | null, @RequestChangeOrigin() origin: ChangeOrigin, @Param('id') id: string, @Body() body: CreateResourceAccessTokenDto) {
    const token = await this.iam.resourceAccessTokens.create(actor, this.source(id), {
      name: body.name,
      scopes: body.scopes,
      accessLevel: body.access_level,
      expiresAt: body.expires_at ?? null,
      description: body.description ?? null,
    }, origin);
    return presentResourceAccessToken(token);
  }

  @Get(':id/access_tokens/:token_id')
  @ApiOkResponse({ type: ResourceAccessTokenEntity })
  async get(@CurrentActor() actor: Actor | null, @Param('id') id: string, @Param('token_id', new ParseIdPipe('token_id')) tokenId: number) {
    return presentResourceAccessToken(await this.iam.resourceAccessTokens.get(actor, this.source(id), tokenId));
  }

  @Delete(':id/access_tokens/:token_id')
  @HttpCode(204)
  async revoke(@CurrentActor() actor: Actor | null, @RequestChangeOrigin() origin: ChangeOrigin, @Param('id') id: string, @Param('token_id', new ParseIdPipe('token_id')) tokenId: number): Promise<void> {
    await this.iam.resourceAccessTokens.revoke(actor, this.source(id), tokenId, origin);
  }

  @Post(':id/access_tokens/:token_id/rotate')
  @HttpCode(200)
  async rotate(
    @CurrentActor() actor: Actor | null,
    @RequestChangeOrigin() origin: ChangeOrigin,
    @Param('id') id: string,
    @Param('token_id', new ParseIdPipe('token_id')) tokenId: number,
    @Body() body: RotateTokenDto,
  ) {
    return presentResourceAccessToken(await this.iam.resourceAccessTokens.rotate(actor, this.source(id), tokenId, body.expires_at ?? null, origin));
  }

  private source(id: string): SourceRef {
    return { kind: this.kind, ref: resourceRef(id) };
  }
}

@RestController('projects')
export class ProjectAccessTokensController extends ResourceAccessTokensController {
  protected readonly kind = 'project' as const;
}

@RestController('groups')
export class GroupAccessTokensController extends ResourceAccessTokensController {
  protected readonly kind = 'group' as const;
}
