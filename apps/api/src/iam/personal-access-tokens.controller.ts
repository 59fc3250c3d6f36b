import { Body, Delete, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '@cargohold/config';
import { Actor, ChangeOrigin, IamServices } from '@cargohold/iam';
import { APP_CONFIG } from '@cargohold/platform';
import { CurrentActor } from '../rest/current-actor.decorator';
import { paginate } from '../rest/pagination';
import { ParseIdPipe } from '../rest/parse-id.pipe';
import { RestController } from '../rest/rest-controller.decorator';
import { RequestChangeOrigin } from '../rest/change-origin.decorator';
import { AllowScopes } from '../rest/route-access.decorator';
import { CreatePersonalAccessTokenDto, ListPersonalAccessTokensQuery, RotateTokenDto } from './dto/tokens.dto';
import { presentPersonalAccessToken } from './presenters/token.presenter';
import { PersonalAccessTokenEntity } from './presenters/token.entity';

/** Personal access tokens: administrators create them for users, users for themselves in the web UI; owners list and revoke their own. */
@RestController()
export class PersonalAccessTokensController {
  constructor(
    private readonly iam: IamServices,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('users/:user_id/personal_access_tokens')
  @ApiCreatedResponse({ type: PersonalAccessTokenEntity })
  async create(@CurrentActor() actor: Actor | null, @RequestChangeOrigin() origin: ChangeOrigin, @Param('user_id', new ParseIdPipe('user_id')) userId: number, @Body() body: CreatePersonalAccessTokenDto) {
    const token = await this.iam.personalAccessTokens.createForUser(actor, userId, {
      name: body.name,
      scopes: body.scopes,
      expiresAt: body.expires_at ?? null,
      description: body.description ?? null,
    }, origin);
    return presentPersonalAccessToken(token);
  }

  /** The caller's own token: from a web UI session opened with a password (GitLab's UI), never with a token. */
  @Post('user/personal_access_tokens')
  @ApiCreatedResponse({ type: PersonalAccessTokenEntity })
  async createForSelf(@CurrentActor() actor: Actor | null, @RequestChangeOrigin() origin: ChangeOrigin, @Body() body: CreatePersonalAccessTokenDto) {
    const token = await this.iam.personalAccessTokens.createForSelf(actor, {
      name: body.name,
      scopes: body.scopes,
      expiresAt: body.expires_at ?? null,
      description: body.description ?? null,
    }, origin);
    return presentPersonalAccessToken(token);
  }

  @Get('personal_access_tokens')
  @ApiOkResponse({ type: PersonalAccessTokenEntity, isArray: true })
  async list(
    @CurrentActor() actor: Actor | null,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Query() query: ListPersonalAccessTokensQuery,
  ) {
    const tokens = await paginate(req, res, query, this.config.publicUrl, (page) =>
      this.iam.personalAccessTokens.list(actor, { userId: query.user_id, state: query.state, revoked: query.revoked, search: query.search }, page),
    );
    return tokens.map((token) => presentPersonalAccessToken(token));
  }

  // "self" routes come before ":id" so that "self" is never parsed as an id.
  @Get('personal_access_tokens/self')
  @ApiOkResponse({ type: PersonalAccessTokenEntity })
  async self(@CurrentActor() actor: Actor | null) {
    return presentPersonalAccessToken(await this.iam.personalAccessTokens.self(actor));
  }

  @Delete('personal_access_tokens/self')
  @HttpCode(204)
  async revokeSelf(@CurrentActor() actor: Actor | null, @RequestChangeOrigin() origin: ChangeOrigin): Promise<void> {
    await this.iam.personalAccessTokens.revokeSelf(actor, origin);
  }

  /** GitLab: `api` or `self_rotate` scope; the new token is bounded by the old one's expiry (docs/security.md). */
  @Post('personal_access_tokens/self/rotate')
  @HttpCode(200)
  @AllowScopes('self_rotate')
  async rotateSelf(@CurrentActor() actor: Actor | null, @RequestChangeOrigin() origin: ChangeOrigin, @Body() body: RotateTokenDto) {
    return presentPersonalAccessToken(await this.iam.personalAccessTokens.rotateSelf(actor, body.expires_at ?? null, origin));
  }

  @Post('personal_access_tokens/:id/rotate')
  @HttpCode(200)
  async rotate(
    @CurrentActor() actor: Actor | null,
    @RequestChangeOrigin() origin: ChangeOrigin,
    @Param('id', new ParseIdPipe('id')) id: number,
    @Body() body: RotateTokenDto,
  ) {
    return presentPersonalAccessToken(await this.iam.personalAccessTokens.rotate(actor, id, body.expires_at ?? null, origin));
  }

  @Get('personal_access_tokens/:id')
  @ApiOkResponse({ type: PersonalAccessTokenEntity })
  async get(@CurrentActor() actor: Actor | null, @Param('id', new ParseIdPipe('id')) id: number) {
    return presentPersonalAccessToken(await this.iam.personalAccessTokens.get(actor, id));
  }

  @Delete('personal_access_tokens/:id')
  @HttpCode(204)
  async revoke(@CurrentActor() actor: Actor | null, @RequestChangeOrigin() origin: ChangeOrigin, @Param('id', new ParseIdPipe('id')) id: number): Promise<void> {
    await this.iam.personalAccessTokens.revoke(actor, id, origin);
  }
}
