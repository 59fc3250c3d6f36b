import { randomBytes } from 'node:crypto';
import { execute } from '@cargohold/db';
import { BOOTSTRAP_TOKEN_SCOPES } from './domain/scopes';
import { IamContext } from './iam-context';
import { PersonalAccessTokenService } from './personal-access-token.service';
import { UserService } from './user.service';

export interface BootstrapSettings {
  username: string;
  password?: string;
  bootstrapToken?: string;
}

export type BootstrapResult =
  | { created: false }
  | { created: true; username: string; userId: number; generatedPassword: string | null; tokenCreated: boolean };

/** Any constant works; it only has to be the same in every replica. */
const BOOTSTRAP_LOCK_KEY = 7_215_004_412;

/** Creates the first administrator when the database holds no user yet. */
export class BootstrapService {
  constructor(
    private readonly ctx: IamContext,
    private readonly users: UserService,
    private readonly tokens: PersonalAccessTokenService,
  ) {}

  /**
   * Safe with several replicas starting at once: the check and the creation run in one transaction under an
   * advisory lock, so exactly one replica creates the administrator and the others see a user.
   */
  async ensureAdministrator(settings: BootstrapSettings): Promise<BootstrapResult> {
    return this.ctx.transaction(async (db) => {
      await execute(db, 'SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK_KEY]);
      if (await this.ctx.users.any(db)) return { created: false };
      const generatedPassword = settings.password ? null : randomBytes(18).toString('base64url');
      const user = await this.users.createInTransaction(db, {
        username: settings.username,
        name: 'Administrator',
        email: null,
        password: settings.password ?? generatedPassword,
        isAdmin: true,
      });
      if (settings.bootstrapToken) {
        await this.tokens.issue(db, user.id, { name: 'bootstrap', scopes: BOOTSTRAP_TOKEN_SCOPES, expiresAt: null }, settings.bootstrapToken);
      }
      return { created: true, username: user.username, userId: user.id, generatedPassword, tokenCreated: !!settings.bootstrapToken };
    });
  }
}
