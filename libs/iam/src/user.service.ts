import { randomBytes } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { Actor } from './domain/actor';
import { IamError } from './domain/iam-error';
import { hashPassword } from './domain/password-hash';
import { PATH_COMPONENT } from './domain/paths';
import { PageRequest, Paged } from './data/paging';
import { DeletionRequestRepository } from './data/deletion-request.repository';
import { isUniqueViolation } from './data/pg-errors';
import { UserFilter, UserRecord } from './data/user.repository';
import { requireAdmin, requireUser } from './access.service';
import { IamContext } from './iam-context';

export interface NewUserInput {
  username: string;
  email?: string | null;
  name?: string;
  /** Without one, the user signs in only with tokens. */
  password?: string | null;
  isAdmin?: boolean;
}

/** GitLab's minimum. */
export const MIN_PASSWORD_LENGTH = 8;

/**
 * Usernames name the user's namespace, which is the first part of image paths, so (lowercased) they must
 * be a valid OCI name component.
 */
export function usernameProblem(username: string): string | null {
  if (username.length === 0 || username.length > 255) return 'is too long (maximum is 255 characters)';
  if (!PATH_COMPONENT.test(username.toLowerCase())) return 'can contain only letters, digits, "_", "-" and ".", and must start and end with a letter or digit';
  return null;
}

export interface PasswordReset {
  user: UserRecord;
  /** The new password when none was given (to be shown once), else null. */
  generatedPassword: string | null;
  endedSessions: number;
}

/** `PUT /users/:id`: the attributes the platform models. Absent ones stay as they are. */
export interface UserChanges {
  name?: string;
  email?: string;
  username?: string;
  password?: string;
  isAdmin?: boolean;
}

export const USERNAME_WITH_IMAGES_MESSAGE = 'Username cannot be changed while a personal project holds container registry images';

/** Users: creation by administrators, lookups, blocking, password resets, changes. */
export class UserService {
  private readonly deletions = new DeletionRequestRepository();

  constructor(private readonly ctx: IamContext) {}

  async create(actor: Actor | null, input: NewUserInput): Promise<UserRecord> {
    requireAdmin(actor);
    return this.ctx.transaction((db) => this.createInTransaction(db, input));
  }

  /**
   * Sets a new password (generated when none is given) and ends the user's web sessions, so a browser signed in
   * with the old password is signed out. For callers that already authorised (the CLI, for a lost admin password).
   */
  async resetPassword(username: string, password?: string): Promise<PasswordReset> {
    if (password !== undefined && password.length < MIN_PASSWORD_LENGTH) {
      throw IamError.invalid(`is too short (minimum is ${MIN_PASSWORD_LENGTH} characters)`, 'password');
    }
    const generatedPassword = password === undefined ? randomBytes(18).toString('base64url') : null;
    const passwordHash = await hashPassword(password ?? generatedPassword!);
    return this.ctx.transaction(async (db) => {
      const user = await this.ctx.users.findByUsername(db, username);
      if (!user) throw IamError.notFound('User');
      // Bots (project and group access tokens) never sign in with a password.
      if (user.bot) throw IamError.invalid('is a bot user, which cannot have a password', 'username');
      await this.ctx.users.setPasswordHash(db, user.id, passwordHash);
      const endedSessions = await this.ctx.users.endWebSessions(db, user.id);
      return { user, generatedPassword, endedSessions };
    });
  }

  /** Creates the user and its personal namespace. For callers that already authorised (CLI, bootstrap). */
  async createInTransaction(db: EntityManager, input: NewUserInput): Promise<UserRecord> {
    const problem = usernameProblem(input.username);
    if (problem) throw IamError.invalid(problem, 'username');
    if (input.password != null && input.password.length < MIN_PASSWORD_LENGTH) {
      throw IamError.invalid(`is too short (minimum is ${MIN_PASSWORD_LENGTH} characters)`, 'password');
    }
    const namespacePath = input.username.toLowerCase();
    await this.ctx.namespaces.lockPath(db, namespacePath);
    if (await this.ctx.users.findByUsername(db, input.username)) throw IamError.conflict('Username has already been taken');
    if (await this.ctx.namespaces.pathTaken(db, namespacePath)) throw IamError.conflict('Username has already been taken');
    if (input.email && (await this.ctx.users.emailTaken(db, input.email))) throw IamError.conflict('Email has already been taken');
    try {
      const user = await this.ctx.users.insert(db, {
        username: input.username,
        email: input.email ?? null,
        name: input.name ?? input.username,
        passwordHash: input.password != null ? await hashPassword(input.password) : null,
        isAdmin: input.isAdmin ?? false,
        bot: false,
      });
      await this.ctx.namespaces.insert(db, {
        kind: 'user',
        name: user.username,
        path: namespacePath,
        fullPath: namespacePath,
        parentId: null,
        ownerId: user.id,
        visibility: 'public',
        description: '',
      });
      return user;
    } catch (error) {
      // Two requests for the same name raced past the checks above.
      if (isUniqueViolation(error)) throw IamError.conflict('Username has already been taken');
      throw error;
    }
  }

  /** A bot user for a project or group access token. Bots have no password and no namespace. */
  async createBot(db: EntityManager, prefix: string, name: string, publicHost: string): Promise<UserRecord> {
    const username = `${prefix}_bot_${randomBytes(8).toString('hex')}`;
    return this.ctx.users.insert(db, {
      username,
      email: `${username}@noreply.${publicHost}`,
      name,
      passwordHash: null,
      isAdmin: false,
      bot: true,
    });
  }

  async current(actor: Actor | null): Promise<UserRecord> {
    const user = requireUser(actor);
    const record = await this.ctx.users.findById(this.ctx.manager, user.userId);
    if (!record) throw IamError.unauthorized();
    return record;
  }

  async get(actor: Actor | null, id: number): Promise<UserRecord> {
    requireUser(actor);
    const record = await this.ctx.users.findById(this.ctx.manager, id);
    if (!record) throw IamError.notFound('User');
    return record;
  }

  async list(actor: Actor | null, filter: UserFilter, page: PageRequest): Promise<Paged<UserRecord>> {
    const user = requireUser(actor);
    // Only administrators see blocked users and filter by state.
    const state = user.isAdmin ? filter.state : 'active';
    return this.ctx.users.list(this.ctx.manager, { ...filter, state, includeBots: user.isAdmin && filter.includeBots }, page);
  }

  /**
   * GitLab's user modification (administrators). A new username renames the personal namespace and its projects'
   * paths; refused (400) while one of those projects holds registry repositories, whose image paths it would
   * move (GitLab's own rule for container registry tags).
   */
  async update(actor: Actor | null, id: number, changes: UserChanges): Promise<UserRecord> {
    requireAdmin(actor);
    if (changes.username !== undefined) {
      const problem = usernameProblem(changes.username);
      if (problem) throw IamError.invalid(problem, 'username');
    }
    if (changes.password !== undefined && changes.password.length < MIN_PASSWORD_LENGTH) {
      throw IamError.invalid(`is too short (minimum is ${MIN_PASSWORD_LENGTH} characters)`, 'password');
    }
    if (changes.name !== undefined && changes.name.trim() === '') throw IamError.invalid("can't be blank", 'name');
    return this.ctx.transaction(async (db) => {
      const record = await this.ctx.users.findById(db, id);
      if (!record || record.bot) throw IamError.notFound('User');
      if (changes.email !== undefined && changes.email.toLowerCase() !== (record.email ?? '').toLowerCase() && (await this.ctx.users.emailTaken(db, changes.email))) {
        throw IamError.conflict('Email has already been taken');
      }
      if (changes.username !== undefined && changes.username !== record.username) await this.rename(db, record, changes.username);
      try {
        await this.ctx.users.update(db, id, {
          name: changes.name,
          email: changes.email,
          username: changes.username,
          isAdmin: changes.isAdmin,
          passwordHash: changes.password !== undefined ? await hashPassword(changes.password) : undefined,
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw IamError.conflict('Username has already been taken');
        throw error;
      }
      return (await this.ctx.users.findById(db, id))!;
    });
  }

  private async rename(db: EntityManager, record: UserRecord, username: string): Promise<void> {
    const path = username.toLowerCase();
    const namespace = await this.ctx.namespaces.findUserNamespace(db, record.id);
    if (path !== namespace?.path) {
      await this.ctx.namespaces.lockPath(db, path);
      if (await this.ctx.namespaces.pathTaken(db, path)) throw IamError.conflict('Username has already been taken');
    }
    const other = await this.ctx.users.findByUsername(db, username);
    if (other && other.id !== record.id) throw IamError.conflict('Username has already been taken');
    if (!namespace || path === namespace.path) return;
    if (await this.deletions.namespaceHasRepositories(db, namespace.id)) throw IamError.invalid(USERNAME_WITH_IMAGES_MESSAGE, 'username');
    await this.deletions.renameUserNamespace(db, namespace.id, username, path);
  }

  async setBlocked(actor: Actor | null, id: number, blocked: boolean): Promise<UserRecord> {
    const admin = requireAdmin(actor);
    const record = await this.ctx.users.findById(this.ctx.manager, id);
    if (!record) throw IamError.notFound('User');
    if (blocked && record.id === admin.userId) throw IamError.forbidden('You cannot block yourself');
    if (!blocked && (await this.deletions.userPendingDelete(this.ctx.manager, id))) throw IamError.forbidden('The user is being deleted');
    await this.ctx.users.setState(this.ctx.manager, id, blocked ? 'blocked' : 'active');
    return { ...record, state: blocked ? 'blocked' : 'active' };
  }
}
