import { checkKnownOptions, optionalOption, requireOption } from '../cli-args';
import { CliCommand } from '../cli-command';

/** `users:reset-password --username U [--password P]`: the way back from a lost administrator password. */
export const usersResetPasswordCommand: CliCommand = {
  name: 'users:reset-password',
  usage: 'users:reset-password --username U [--password P]',
  description: "set a user's password (a generated one, printed once, when --password is not given) and sign them out of the web UI",
  async run(args, ctx) {
    checkKnownOptions(args, ['username', 'password']);
    const username = requireOption(args, 'username');
    const iam = await ctx.iam();
    const reset = await iam.users.resetPassword(username, optionalOption(args, 'password'));
    ctx.print(`password of ${reset.user.username} reset; ${reset.endedSessions} web session(s) ended`);
    if (reset.generatedPassword) ctx.print(`new password (shown only now): ${reset.generatedPassword}`);
  },
};
