import { BadRequestException, NotFoundException } from '@nestjs/common';
import { IamError, IamErrorCode } from '@cargohold/iam';
import { CleanupPolicyError, ManagementError, ManagementErrorCode, RetentionRuleError, WebhookUrlError } from '@cargohold/registry';
import { bodyParserErrorFor, InsufficientScopeError, restErrorFor, RestValidationError, tokenErrorFor } from './rest-errors';
import { checkScopes } from './rest-auth.guard';

describe('restErrorFor (GitLab error bodies)', () => {
  it.each<[IamError, number, unknown]>([
    [IamError.notFound('Project'), 404, { message: '404 Project Not Found' }],
    [IamError.unauthorized(), 401, { message: '401 Unauthorized' }],
    [IamError.forbidden(), 403, { message: '403 Forbidden' }],
    [IamError.forbidden('A group must have at least one owner'), 403, { message: '403 Forbidden - A group must have at least one owner' }],
    [IamError.conflict('Member already exists'), 409, { message: 'Member already exists' }],
    [IamError.invalid('has already been taken', 'path'), 400, { message: { path: ['has already been taken'] } }],
    [IamError.invalid('name or path is required'), 400, { message: '400 Bad request - name or path is required' }],
    [IamError.unprocessable('Target project is already in the job token scope'), 422, { message: 'Target project is already in the job token scope' }],
  ])('%s → %i', (error, status, body) => {
    expect(restErrorFor(error)).toEqual({ status, body });
  });

  it('maps every IamErrorCode and ManagementErrorCode', () => {
    for (const code of Object.values(IamErrorCode)) expect(restErrorFor(new IamError(code, 'x'))).not.toBeNull();
    for (const code of Object.values(ManagementErrorCode)) expect(restErrorFor(new ManagementError(code, 'x'))).not.toBeNull();
  });

  it('words the other families of domain errors as GitLab does', () => {
    expect(restErrorFor(ManagementError.notFound('Tag'))).toEqual({ status: 404, body: { message: '404 Tag Not Found' } });
    // Unmapped to a REST parameter (the endpoints do that), a rule error still is a 400 naming the rule.
    expect(restErrorFor(new RetentionRuleError('keepN', 'is invalid'))).toEqual({ status: 400, body: { error: 'keepN is invalid' } });
    expect(restErrorFor(new CleanupPolicyError('cadence', 'must be one of: 1d'))).toEqual({ status: 400, body: { error: 'cadence must be one of: 1d' } });
    expect(restErrorFor(ManagementError.badRequest('the project has no cleanup policy'))).toEqual({ status: 400, body: { message: 'the project has no cleanup policy' } });
    expect(restErrorFor(ManagementError.conflict('tag v1 exists again'))).toEqual({ status: 409, body: { message: 'tag v1 exists again' } });
    expect(restErrorFor(ManagementError.gone('the manifest was deleted'))).toEqual({ status: 410, body: { message: '410 Gone - the manifest was deleted' } });
    expect(restErrorFor(new WebhookUrlError('is blocked: Requests to localhost are not allowed'))).toEqual({
      status: 422,
      body: { message: { url: ['is blocked: Requests to localhost are not allowed'] } },
    });
    expect(restErrorFor(IamError.tooManyRequests('slow down', 7))).toEqual({ status: 429, body: { message: '429 Too Many Requests - slow down' }, headers: { 'Retry-After': '7' } });
  });

  it('renders validation, scope and framework errors', () => {
    expect(restErrorFor(new RestValidationError('name is missing'))).toEqual({ status: 400, body: { error: 'name is missing' } });
    expect(restErrorFor(new InsufficientScopeError('api'))).toMatchObject({ status: 403, body: { error: 'insufficient_scope', scope: 'api' } });
    expect(restErrorFor(new NotFoundException())).toEqual({ status: 404, body: { error: '404 Not Found' } });
    expect(restErrorFor(new BadRequestException('Unexpected token in JSON'))).toEqual({ status: 400, body: { error: 'Unexpected token in JSON' } });
    expect(restErrorFor(new Error('boom'))).toBeNull();
  });
});

describe('checkScopes', () => {
  it('lets api do everything and read_api read', () => {
    expect(() => checkScopes(['api'], false, [])).not.toThrow();
    expect(() => checkScopes(['read_api'], true, [])).not.toThrow();
    expect(() => checkScopes(['read_api'], false, [])).toThrow(InsufficientScopeError);
  });

  it('accepts a route’s extra scopes and refuses registry-only tokens', () => {
    expect(() => checkScopes(['read_user'], true, ['read_user'])).not.toThrow();
    expect(() => checkScopes(['read_user'], true, [])).toThrow(InsufficientScopeError);
    expect(() => checkScopes(['read_registry', 'write_registry'], true, [])).toThrow(InsufficientScopeError);
  });
});

describe('restErrorFor when PostgreSQL is unreachable', () => {
  it('answers a retryable 503 in GitLab form, for refused and terminated connections alike', () => {
    for (const error of [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }), new Error('Connection terminated unexpectedly')]) {
      expect(restErrorFor(error)).toEqual({ status: 503, body: { message: expect.stringMatching(/^503 Service Unavailable/) } });
    }
    expect(restErrorFor(new Error('syntax error'))).toBeNull();
  });
});

describe('tokenErrorFor (the token service, /jwt/auth)', () => {
  const body = (code: string, message: string) => ({ errors: [{ code, message, detail: {} }] });

  it('says the domain error in the token format, with the REST mapping\'s status and headers', () => {
    expect(tokenErrorFor(IamError.unauthorized('HTTP Basic: Access denied.'))).toEqual({ status: 401, body: body('UNAUTHORIZED', 'HTTP Basic: Access denied.') });
    expect(tokenErrorFor(IamError.invalid('at most 32 scopes', 'scope'))).toEqual({ status: 400, body: body('INVALID_REQUEST', 'at most 32 scopes') });
    expect(tokenErrorFor(IamError.tooManyRequests('retry later', 3))).toEqual({ status: 429, headers: { 'Retry-After': '3' }, body: body('TOO_MANY_REQUESTS', 'retry later') });
  });

  it('answers an unreachable database 503 UNAVAILABLE with Retry-After, and leaves the rest to the default 500', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(tokenErrorFor(refused)).toEqual({ status: 503, headers: { 'Retry-After': '5' }, body: body('UNAVAILABLE', 'the metadata database is unavailable, retry later') });
    expect(tokenErrorFor(new Error('boom'))).toBeNull();
    expect(tokenErrorFor(IamError.conflict('not a token service answer'))).toBeNull();
  });
});

describe('bodyParserErrorFor (bodies refused before any endpoint)', () => {
  it('answers GitLab\'s words and statuses', () => {
    expect(bodyParserErrorFor({ type: 'entity.too.large', status: 413 })).toEqual({ status: 413, body: { message: '413 Payload Too Large' } });
    expect(bodyParserErrorFor({ type: 'entity.parse.failed', status: 400 })).toEqual({ status: 400, body: { error: 'Invalid JSON format' } });
    expect(bodyParserErrorFor({ type: 'parameters.too.many', status: 413 })).toEqual({ status: 400, body: { error: 'Too many total parameters' } });
    expect(bodyParserErrorFor({ type: 'entity.nul', status: 400, message: 'the body contains a NUL character' })).toEqual({
      status: 400,
      body: { message: '400 Bad request - the body contains a NUL character' },
    });
    expect(bodyParserErrorFor({ type: 'encoding.unsupported', status: 415, message: 'unsupported charset "X"' })).toEqual({ status: 415, body: { message: '415 unsupported charset "X"' } });
  });

  it('leaves what is not a body-parser client error to the next handler', () => {
    expect(bodyParserErrorFor(new Error('boom'))).toBeNull();
    expect(bodyParserErrorFor({ type: 'stream.not.readable', status: 500 })).toBeNull();
  });
});
