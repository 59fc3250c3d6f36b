import { Controller, Get, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AuditLog, AuthFailureThrottle, checkScopeCount, CredentialService, IamError, IssuedToken, RegistryTokenService } from '@cargohold/iam';
import { clientAddress } from '../rest/request-credentials';
import { TokenExceptionFilter } from './token-exception.filter';

const ACCESS_DENIED =
  'HTTP Basic: Access denied. The provided password or token is incorrect, expired or revoked, or the account is blocked.';

/**
 * GET /jwt/auth, the Docker token authentication endpoint (`docker login`, pulls and pushes). HTTP Basic
 * credentials are optional: without them the token is anonymous and grants pulls of public projects only.
 * Refusals are thrown and rendered in the token error format by TokenExceptionFilter.
 */
@Controller('jwt')
@UseFilters(TokenExceptionFilter)
export class JwtAuthController {
  constructor(
    private readonly credentials: CredentialService,
    private readonly tokens: RegistryTokenService,
    private readonly throttle: AuthFailureThrottle,
    private readonly audit: AuditLog,
  ) {}

  @Get('auth')
  async auth(@Req() req: Request, @Res() res: Response, @Query('scope') scope?: string | string[]): Promise<void> {
    const scopes = (scope === undefined ? [] : Array.isArray(scope) ? scope : [scope]).filter((s): s is string => typeof s === 'string');
    // Cheap checks first: a request that cannot get a token never reaches a password check.
    checkScopeCount(scopes);
    const basic = parseBasic(req.headers.authorization);
    const issued = basic ? await this.issueFor(req, basic, scopes) : await this.tokens.issue(null, scopes);
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).json({ token: issued.token, access_token: issued.token, expires_in: issued.expiresIn, issued_at: issued.issuedAt });
  }

  /**
   * The token for Basic credentials, or a refusal. The login's audit row is written while the token's grants are
   * looked up, not before: one round trip and commit off the path of every docker push, and still on record
   * before the answer leaves.
   */
  private async issueFor(req: Request, basic: { username: string; password: string }, scopes: string[]): Promise<IssuedToken> {
    const address = clientAddress(req);
    const actor = await this.throttle.attempt(address, () => this.credentials.authenticateBasic(basic.username, basic.password));
    // The audit trail gets the name tried and the source address, never the secret. recordLogin never rejects.
    const audited = this.audit.recordLogin({ username: basic.username, actor, ipAddress: address, service: 'container_registry' });
    if (actor === null) {
      await audited;
      throw IamError.unauthorized(ACCESS_DENIED);
    }
    const [issued] = await Promise.allSettled([this.tokens.issue(actor, scopes), audited]);
    if (issued.status === 'rejected') throw issued.reason;
    return issued.value;
  }
}

function parseBasic(header: string | undefined): { username: string; password: string } | null {
  if (!header || !/^basic /i.test(header)) return null;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
