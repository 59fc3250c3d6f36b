import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Logger } from '@cargohold/common';
import { AppConfig } from '@cargohold/config';
import { IamServices } from '@cargohold/iam';
import { APP_CONFIG, LOGGER } from '@cargohold/platform';

/**
 * Creates the first administrator before the api starts listening (main.ts awaits app.init(), which runs this),
 * so the bootstrap token works from the first request.
 */
@Injectable()
export class AdminBootstrapper implements OnApplicationBootstrap {
  constructor(
    private readonly iam: IamServices,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const result = await this.iam.bootstrap.ensureAdministrator(this.config.admin);
    if (!result.created) return;
    this.logger.warn({ username: result.username, bootstrapToken: result.tokenCreated }, 'created the initial administrator');
    if (result.generatedPassword) {
      // Straight to stdout, not through the logger: it must show whatever LOG_LEVEL is, and the logger redacts passwords.
      process.stdout.write(
        `Initial administrator "${result.username}" created with password: ${result.generatedPassword}\n` +
          `(shown only this once; set ADMIN_PASSWORD to choose it)\n`,
      );
    }
  }
}
