import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { IamErrorCode } from '../domain/iam-error';
import { RegistryPermissionService } from '../registry-permission.service';
import { checkScopeCount, RegistryTokenService } from './registry-token.service';
import { SigningKeyRing } from './signing-keys';
import { MAX_SCOPES_PER_TOKEN_REQUEST } from './token-scope';

describe('RegistryTokenService scope limit', () => {
  let dir: string;
  let service: RegistryTokenService;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'cargohold-token-'));
    const keys = new SigningKeyRing(dir);
    keys.init();
    // Everything allowed: the largest token a request can produce.
    const permissions = {
      registryGrantFor: async () => ({ actions: ['pull', 'push', 'delete'], protectionLevel: 60 }),
    } as unknown as RegistryPermissionService;
    service = new RegistryTokenService(keys, permissions, 300);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const scope = (i: number) => `repository:${`g${i}/`.padEnd(255, 'x')}:pull,push,delete`;

  it('counts space-separated scopes too, and refuses more than the limit naming the parameter', () => {
    const many = Array.from({ length: MAX_SCOPES_PER_TOKEN_REQUEST + 1 }, (_, i) => scope(i));
    expect(() => checkScopeCount(many)).toThrow(expect.objectContaining({ code: IamErrorCode.INVALID, field: 'scope' }));
    expect(() => checkScopeCount([many.join(' ')])).toThrow(/at most 32 scopes/);
    expect(() => checkScopeCount(many.slice(1))).not.toThrow();
  });

  it('bounds the token: the largest allowed request signs a JWT under 32 KB, one more scope is refused', async () => {
    const max = Array.from({ length: MAX_SCOPES_PER_TOKEN_REQUEST }, (_, i) => scope(i));
    const actor = { kind: 'user' as const, userId: 1, username: 'root', isAdmin: true, scopes: null };
    const issued = await service.issue(actor, max);
    expect(issued.token.length).toBeLessThan(32 * 1024);
    // Each entry carries the level protection rules compare: 60 for an administrator.
    const claims = JSON.parse(Buffer.from(issued.token.split('.')[1], 'base64url').toString()) as { access: Array<{ meta?: { access_level: number } }> };
    expect(claims.access[0].meta).toEqual({ access_level: 60 });
    await expect(service.issue(actor, [...max, scope(99)])).rejects.toMatchObject({ code: IamErrorCode.INVALID });
  });
});
