import { CliCommand } from './cli-command';
import { tokensCreateCommand } from './commands/tokens-create.command';
import { usersCreateCommand } from './commands/users-create.command';
import { usersResetPasswordCommand } from './commands/users-reset-password.command';
import { gcRunCommand } from './commands/gc-run.command';
import { storageCheckCommand } from './commands/storage-check.command';
import { cleanupRunCommand } from './commands/cleanup-run.command';
import { keysListCommand, keysRotateCommand } from './commands/keys.command';

/** Every CLI command. Add new ones here, each in its own file. */
export const COMMANDS: CliCommand[] = [usersCreateCommand, usersResetPasswordCommand, tokensCreateCommand, gcRunCommand, storageCheckCommand, cleanupRunCommand, keysRotateCommand, keysListCommand];
