import { Actor } from './domain/actor';
import { todayUtc } from './domain/dates';
import { IamError } from './domain/iam-error';
import { TokenCreator } from './domain/token-lifetime';
import { IamContext } from './iam-context';

/**
 * Who is creating a token, for the lifetime rule (domain/token-lifetime.ts): a person signed in with a password,
 * or a token, with that token's expiry read from the database (a web UI session opened with a token counts as
 * that token). Only users create tokens: a CI job or deploy token never does.
 */
export async function tokenCreatorOf(ctx: IamContext, actor: Actor): Promise<TokenCreator> {
  if (actor.kind !== 'user') throw IamError.forbidden('tokens are created by users');
  if (actor.scopes === null) return { kind: 'person' };
  // A token actor always names its token; if it somehow does not, take the strictest bound.
  if (actor.personalAccessTokenId === undefined) return { kind: 'token', expiresAt: todayUtc() };
  const token = await ctx.personalAccessTokens.findById(ctx.manager, actor.personalAccessTokenId);
  return { kind: 'token', expiresAt: token ? token.expiresAt : todayUtc() };
}
