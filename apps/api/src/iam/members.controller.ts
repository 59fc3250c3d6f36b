import { Body, Delete, Get, HttpCode, Inject, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '@cargohold/config';
import { Actor, ChangeOrigin, IamError, IamServices, SourceRef } from '@cargohold/iam';
import { APP_CONFIG } from '@cargohold/platform';
import { CurrentActor } from '../rest/current-actor.decorator';
import { paginate, PaginationQuery } from '../rest/pagination';
import { ParseIdPipe, resourceRef } from '../rest/parse-id.pipe';
import { RestController } from '../rest/rest-controller.decorator';
import { RequestChangeOrigin } from '../rest/change-origin.decorator';
import { AddMemberDto, UpdateMemberDto } from './dto/members.dto';
import { presentMember } from './presenters/member.presenter';
import { MemberEntity } from './presenters/member.entity';

/** The members API, identical for groups and projects; the subclasses only say which. */
abstract class MembersController {
  protected abstract readonly kind: SourceRef['kind'];

  constructor(
    private readonly iam: IamServices,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get(':id/members')
  @ApiOkResponse({ type: MemberEntity, isArray: true })
  async list(@CurrentActor() actor: Actor | null, @Param('id') id: string, @Req() req: Request, @Res({ passthrough: true }) res: Response, @Query() query: PaginationQuery) {
    const members = await paginate(req, res, query, this.config.publicUrl, (page) => this.iam.members.list(actor, this.source(id), page));
    return members.map((member) => presentMember(member, this.config.publicUrl));
  }

  /** Direct and inherited members, each once with the highest level. Declared before `:user_id` so "all" is not an id. */
  @Get(':id/members/all')
  @ApiOkResponse({ type: MemberEntity, isArray: true })
  async listAll(@CurrentActor() actor: Actor | null, @Param('id') id: string, @Req() req: Request, @Res({ passthrough: true }) res: Response, @Query() query: PaginationQuery) {
    const members = await paginate(req, res, query, this.config.publicUrl, (page) => this.iam.members.listAll(actor, this.source(id), page));
    return members.map((member) => presentMember(member, this.config.publicUrl));
  }

  /** One user's effective membership, inherited ones included (404 when they have none). */
  @Get(':id/members/all/:user_id')
  @ApiOkResponse({ type: MemberEntity })
  async getEffective(@CurrentActor() actor: Actor | null, @Param('id') id: string, @Param('user_id', new ParseIdPipe('user_id')) userId: number) {
    return presentMember(await this.iam.members.getEffective(actor, this.source(id), userId), this.config.publicUrl);
  }

  @Get(':id/members/:user_id')
  @ApiOkResponse({ type: MemberEntity })
  async get(@CurrentActor() actor: Actor | null, @Param('id') id: string, @Param('user_id', new ParseIdPipe('user_id')) userId: number) {
    return presentMember(await this.iam.members.get(actor, this.source(id), userId), this.config.publicUrl);
  }

  @Post(':id/members')
  async add(@CurrentActor() actor: Actor | null, @RequestChangeOrigin() origin: ChangeOrigin, @Param('id') id: string, @Body() body: AddMemberDto) {
    const userId = body.user_id ?? (await this.userIdOf(body.username!));
    const member = await this.iam.members.add(actor, this.source(id), { userId, accessLevel: body.access_level, expiresAt: body.expires_at ?? null }, origin);
    return presentMember(member, this.config.publicUrl);
  }

  @Put(':id/members/:user_id')
  async update(
    @CurrentActor() actor: Actor | null,
    @RequestChangeOrigin() origin: ChangeOrigin,
    @Param('id') id: string,
    @Param('user_id', new ParseIdPipe('user_id')) userId: number,
    @Body() body: UpdateMemberDto,
  ) {
    const expiresAt = body.expires_at === undefined ? undefined : body.expires_at === '' ? null : body.expires_at;
    const member = await this.iam.members.update(actor, this.source(id), userId, { accessLevel: body.access_level, expiresAt }, origin);
    return presentMember(member, this.config.publicUrl);
  }

  @Delete(':id/members/:user_id')
  @HttpCode(204)
  async remove(@CurrentActor() actor: Actor | null, @RequestChangeOrigin() origin: ChangeOrigin, @Param('id') id: string, @Param('user_id', new ParseIdPipe('user_id')) userId: number): Promise<void> {
    await this.iam.members.remove(actor, this.source(id), userId, origin);
  }

  private source(id: string): SourceRef {
    return { kind: this.kind, ref: resourceRef(id) };
  }

  private async userIdOf(username: string): Promise<number> {
    const user = await this.iam.ctx.users.findByUsername(this.iam.ctx.manager, username);
    if (!user) throw IamError.notFound('User');
    return user.id;
  }
}

@RestController('groups')
export class GroupMembersController extends MembersController {
  protected readonly kind = 'group' as const;
}

@RestController('projects')
export class ProjectMembersController extends MembersController {
  protected readonly kind = 'project' as const;
}
