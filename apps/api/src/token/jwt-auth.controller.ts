import { Controller, Get, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Actor, AuditLog, AuthFailureThrottle, CredentialService, RegistryTokenService } from '@cargohold/iam';
import { ServiceUnavailableFilter } from '../limits/service-unavailable.filter';
import { clientAddress } from '../rest/request-credentials';

const ACCESS_DENIED =
  'HTTP Basic: Access denied. The provided password or token is incorrect, expired or revoked, or the account is blocked.';

/**
 * GET /jwt/auth, the Docker token authentication endpoint (`docker login`, pulls and pushes). HTTP Basic
 * credentials are optional: without them the token is anonymous and grants pulls of public projects only.
 */
@Controller('jwt')
@UseFilters(ServiceUnavailableFilter)
export class JwtAuthController {
  constructor(
    private readonly credentials: CredentialService,
    private readonly tokens: RegistryTokenService,
    private readonly throttle: AuthFailureThrottle,
    private readonly audit: AuditLog,
  ) {}

  @Get('auth')
  async auth(@Req() req: Request, @Res() res: Response, @Query('scope') scope?: string | string[]): Promise<void> {
    const basic = parseBasic(req.headers.authorization);
    let actor: Actor | null = null;
    if (basic) {
      const address = clientAddress(req);
      await this.throttle.delay(address);
      actor = await this.credentials.authenticateBasic(basic.username, basic.password);
      // The audit trail gets the name tried and the source address, never the secret.
      await this.audit.recordLogin({ username: basic.username, actor, ipAddress: address, service: 'container_registry' });
      if (!actor) {
        this.throttle.recordFailure(address);
        res.status(401).json({ errors: [{ code: 'UNAUTHORIZED', message: ACCESS_DENIED, detail: {} }] });
        return;
      }
      this.throttle.recordSuccess(address);
    }
    const scopes = scope === undefined ? [] : Array.isArray(scope) ? scope : [scope];
    const issued = await this.tokens.issue(actor, scopes.filter((s): s is string => typeof s === 'string'));
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).json({ token: issued.token, access_token: issued.token, expires_in: issued.expiresIn, issued_at: issued.issuedAt });
  }
}

function parseBasic(header: string | undefined): { username: string; password: string } | null {
  if (!header || !/^basic /i.test(header)) return null;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
