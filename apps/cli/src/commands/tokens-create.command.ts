import { generateTokenSecret, IamError, IamErrorCode, TokenPrefix } from '@cargohold/iam';
import { checkKnownOptions, CliUsageError, optionalOption, requireOption } from '../cli-args';
import { CliCommand } from '../cli-command';

/** `tokens:create --username U --scopes api,read_registry [--name N] [--expires-at YYYY-MM-DD]`: prints only the token. */
export const tokensCreateCommand: CliCommand = {
  name: 'tokens:create',
  usage: 'tokens:create --username U --scopes api,read_registry,write_registry [--name N] [--expires-at YYYY-MM-DD]',
  description: 'create a personal access token and print it (only the token, for scripts)',
  async run(args, ctx) {
    checkKnownOptions(args, ['username', 'scopes', 'name', 'expires-at']);
    const username = requireOption(args, 'username');
    const scopes = requireOption(args, 'scopes')
      .split(',')
      .map((scope) => scope.trim())
      .filter(Boolean);
    if (scopes.length === 0) throw new CliUsageError('--scopes needs at least one scope');
    const iam = await ctx.iam();
    const user = await iam.ctx.users.findByUsername(iam.ctx.manager, username);
    if (!user || user.bot) throw new IamError(IamErrorCode.NOT_FOUND, `user ${username} not found`);
    const secret = generateTokenSecret(TokenPrefix.PERSONAL);
    await iam.personalAccessTokens.issue(iam.ctx.manager, user.id, {
      name: optionalOption(args, 'name') ?? 'cli',
      scopes,
      expiresAt: optionalOption(args, 'expires-at') ?? null,
    }, secret);
    ctx.print(secret);
  },
};
