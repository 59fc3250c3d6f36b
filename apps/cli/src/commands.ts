import { CliCommand } from './cli-command';
import { tokensCreateCommand } from './commands/tokens-create.command';
import { usersCreateCommand } from './commands/users-create.command';
import { gcRunCommand } from './commands/gc-run.command';
import { storageCheckCommand } from './commands/storage-check.command';
import { cleanupRunCommand } from './commands/cleanup-run.command';

/** Every CLI command. Add new ones (cleanup:run, gc:run, storage:check) here, each in its own file. */
export const COMMANDS: CliCommand[] = [usersCreateCommand, tokensCreateCommand, gcRunCommand, storageCheckCommand, cleanupRunCommand];
