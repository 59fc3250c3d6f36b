import { Body, Delete, Get, Header, HttpCode, Inject, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppConfig } from '@cargohold/config';
import { Actor, ChangeOrigin, IamServices } from '@cargohold/iam';
import { APP_CONFIG } from '@cargohold/platform';
import { CurrentActor } from '../rest/current-actor.decorator';
import { paginate } from '../rest/pagination';
import { ParseIdPipe } from '../rest/parse-id.pipe';
import { RestController } from '../rest/rest-controller.decorator';
import { AllowScopes } from '../rest/route-access.decorator';
import { RequestChangeOrigin } from '../rest/change-origin.decorator';
import { DeletionRequests } from './deletion-requests.service';
import { CreateUserDto, DeleteUserQuery, ListUsersQuery, UpdateUserDto } from './dto/users.dto';
import { presentUser, presentUserBasic } from './presenters/user.presenter';

/** `/user` and `/users` (GitLab's Users API, the parts a registry platform needs). */
@RestController()
export class UsersController {
  constructor(
    private readonly iam: IamServices,
    private readonly deletions: DeletionRequests,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('user')
  @AllowScopes('read_user')
  async current(@CurrentActor() actor: Actor | null) {
    return presentUser(await this.iam.users.current(actor), this.config.publicUrl, true);
  }

  @Get('users')
  @AllowScopes('read_user')
  async list(@CurrentActor() actor: Actor | null, @Req() req: Request, @Res({ passthrough: true }) res: Response, @Query() query: ListUsersQuery) {
    const state = query.blocked ? 'blocked' : query.active ? 'active' : undefined;
    const users = await paginate(req, res, query, this.config.publicUrl, (page) =>
      this.iam.users.list(actor, { username: query.username, search: query.search, state }, page),
    );
    return users.map((user) => (actor?.isAdmin ? presentUser(user, this.config.publicUrl, true) : presentUserBasic(user, this.config.publicUrl)));
  }

  @Post('users')
  async create(@CurrentActor() actor: Actor | null, @Body() body: CreateUserDto) {
    const user = await this.iam.users.create(actor, {
      username: body.username,
      email: body.email,
      name: body.name,
      password: body.password,
      isAdmin: body.admin ?? false,
    });
    return presentUser(user, this.config.publicUrl, true);
  }

  @Get('users/:id')
  @AllowScopes('read_user')
  async get(@CurrentActor() actor: Actor | null, @Param('id', new ParseIdPipe('id')) id: number) {
    const user = await this.iam.users.get(actor, id);
    return presentUser(user, this.config.publicUrl, actor?.isAdmin === true || actor?.userId === user.id);
  }

  // GitLab answers a bare JSON `true`; Nest would send a non-object result as text/html, and python-gitlab's
  // user.block() then returns the raw response instead of True.
  @Post('users/:id/block')
  @HttpCode(201)
  @Header('Content-Type', 'application/json')
  async block(@CurrentActor() actor: Actor | null, @Param('id', new ParseIdPipe('id')) id: number) {
    await this.iam.users.setBlocked(actor, id, true);
    return true;
  }

  @Post('users/:id/unblock')
  @HttpCode(201)
  @Header('Content-Type', 'application/json')
  async unblock(@CurrentActor() actor: Actor | null, @Param('id', new ParseIdPipe('id')) id: number) {
    await this.iam.users.setBlocked(actor, id, false);
    return true;
  }

  /** GitLab's user modification (administrators): 200 with the user. */
  @Put('users/:id')
  async update(@CurrentActor() actor: Actor | null, @Param('id', new ParseIdPipe('id')) id: number, @Body() body: UpdateUserDto) {
    const user = await this.iam.users.update(actor, id, {
      name: body.name,
      email: body.email,
      username: body.username,
      password: body.password,
      isAdmin: body.admin,
    });
    return presentUser(user, this.config.publicUrl, true);
  }

  /** GitLab's user deletion (administrators): 204; the worker removes the personal projects' images, then the user. */
  @Delete('users/:id')
  @HttpCode(204)
  async delete(@CurrentActor() actor: Actor | null, @Param('id', new ParseIdPipe('id')) id: number, @Query() query: DeleteUserQuery, @RequestChangeOrigin() origin: ChangeOrigin) {
    await this.deletions.deleteUser(actor, id, query.hard_delete ?? false, origin);
  }
}
