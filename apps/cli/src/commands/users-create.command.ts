import { checkKnownOptions, flag, optionalOption, requireOption } from '../cli-args';
import { CliCommand } from '../cli-command';

/** `users:create --username U --password P [--admin] [--email E] [--name N]` */
export const usersCreateCommand: CliCommand = {
  name: 'users:create',
  usage: 'users:create --username U --password P [--admin] [--email E] [--name N]',
  description: 'create a user (and their personal namespace)',
  async run(args, ctx) {
    checkKnownOptions(args, ['username', 'password', 'admin', 'email', 'name']);
    const username = requireOption(args, 'username');
    const password = requireOption(args, 'password');
    const isAdmin = flag(args, 'admin');
    const iam = await ctx.iam();
    const user = await iam.ctx.transaction((db) =>
      iam.users.createInTransaction(db, { username, password, isAdmin, email: optionalOption(args, 'email') ?? null, name: optionalOption(args, 'name') }),
    );
    ctx.print(`created ${user.isAdmin ? 'administrator' : 'user'} ${user.username} (id ${user.id})`);
  },
};
