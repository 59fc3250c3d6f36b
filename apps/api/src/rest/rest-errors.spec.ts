import { BadRequestException, NotFoundException } from '@nestjs/common';
import { IamError, IamErrorCode } from '@cargohold/iam';
import { InsufficientScopeError, restErrorFor, RestValidationError } from './rest-errors';
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

  it('maps every IamErrorCode', () => {
    for (const code of Object.values(IamErrorCode)) expect(restErrorFor(new IamError(code, 'x'))).not.toBeNull();
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
