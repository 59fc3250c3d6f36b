import { ArgumentMetadata } from '@nestjs/common';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { getMetadataStorage } from 'class-validator';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UpdateWithPolicyDto, RepositoryPolicyDto } from '../cleanup/cleanup-policy.dto';
import { CreateDeployTokenDto } from '../iam/dto/tokens.dto';
import { AddMemberDto } from '../iam/dto/members.dto';
import { RepositoryDetailsQuery } from '../registry-management/dto/registry-management.dto';
import { parseRestQuery } from '../http/rest-params';
import { coerceGitlabBoolean, coerceGitlabInteger, coerceGitlabStringArray, mergeGitlabParams } from './gitlab-params';
import { PaginationQuery } from './pagination';
import { RestValidationError } from './rest-errors';
import { GITLAB_COERCION, restValidationPipe } from './validation';

describe('coerceGitlabBoolean (Grape: dry-types Params::Bool)', () => {
  it.each(['true', 'True', 'TRUE', 't', 'T', '1', 'yes', 'Yes', 'YES', 'y', 'Y', 'on', 'On', 'ON', true, 1])('%p → true', (text) => {
    expect(coerceGitlabBoolean(text)).toBe(true);
  });

  it.each(['false', 'False', 'FALSE', 'f', 'F', '0', 'no', 'No', 'NO', 'n', 'N', 'off', 'Off', 'OFF', false, 0])('%p → false', (text) => {
    expect(coerceGitlabBoolean(text)).toBe(false);
  });

  it('leaves what is not a boolean for the validator to refuse, and reads an empty value as not given', () => {
    for (const value of ['tru', 'yES', ' true', '2', 2, ['true'], { a: 1 }]) expect(coerceGitlabBoolean(value)).toEqual(value);
    expect(coerceGitlabBoolean('')).toBeNull();
    expect(coerceGitlabBoolean(undefined)).toBeUndefined();
  });
});

describe('coerceGitlabInteger (decimal only, as Ruby Integer(text, 10))', () => {
  it.each<[unknown, number]>([
    ['10', 10],
    ['-3', -3],
    ['+7', 7],
    [' 42 ', 42],
    ['007', 7],
    [25, 25],
  ])('%p → %p', (text, expected) => {
    expect(coerceGitlabInteger(text)).toBe(expected);
  });

  it.each(['0x28', '1e1', '1e3', '1.0', '1.5', '10abc', 'abc', 'Infinity', 'NaN', '9007199254740993', '1_000', true])('refuses %p', (text) => {
    expect(coerceGitlabInteger(text)).toBe(text);
  });

  it('reads an empty value as not given, leaves JSON fractions to IsInt and refuses integers past 2^53', () => {
    expect(coerceGitlabInteger('')).toBeNull();
    expect(coerceGitlabInteger(1.5)).toBe(1.5);
    expect(coerceGitlabInteger(2 ** 60)).toBeNaN();
  });
});

describe('coerceGitlabStringArray', () => {
  it('takes arrays, repeated fields and comma-separated text', () => {
    expect(coerceGitlabStringArray(['read_registry', ' write_registry '])).toEqual(['read_registry', 'write_registry']);
    expect(coerceGitlabStringArray('read_registry,write_registry')).toEqual(['read_registry', 'write_registry']);
    expect(coerceGitlabStringArray('api')).toEqual(['api']);
    expect(coerceGitlabStringArray({ 0: 'x' })).toEqual({ 0: 'x' });
  });
});

describe('mergeGitlabParams', () => {
  it('merges query and body, the body winning, and ignores non-object bodies', () => {
    expect(mergeGitlabParams({ page: '2', name: 'q' }, { name: 'b', keep_n: 5 })).toEqual({ page: '2', name: 'b', keep_n: 5 });
    expect(mergeGitlabParams({ page: '2' }, ['x'])).toEqual({ page: '2' });
    expect(mergeGitlabParams(undefined, undefined)).toEqual({});
  });

  it('never assigns __proto__', () => {
    const body = JSON.parse('{"__proto__": {"admin": true}, "name": "x"}');
    const merged = mergeGitlabParams({}, body);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect((merged as { admin?: boolean }).admin).toBeUndefined();
    expect(merged).toEqual({ name: 'x' });
  });
});

describe('parseRestQuery (query strings nest like form bodies)', () => {
  it('parses a[b]=c and a[]=x', () => {
    expect(parseRestQuery('container_expiration_policy_attributes[enabled]=true&scopes[]=api&scopes[]=read_api')).toEqual({
      container_expiration_policy_attributes: { enabled: 'true' },
      scopes: ['api', 'read_api'],
    });
  });

  it('throws RangeError past the depth or parameter limits', () => {
    expect(() => parseRestQuery(`a${'[b]'.repeat(40)}=1`)).toThrow(RangeError);
    expect(() => parseRestQuery(Array.from({ length: 1001 }, (_, i) => `p${i}=1`).join('&'))).toThrow(RangeError);
  });
});

describe('restValidationPipe with the GitLab decorators', () => {
  const validate = (metatype: ArgumentMetadata['metatype'], value: unknown) => restValidationPipe.transform(value, { type: 'body', metatype });
  const refusal = async (metatype: ArgumentMetadata['metatype'], value: unknown) => {
    const error = await validate(metatype, value).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(RestValidationError);
    return (error as RestValidationError).message;
  };

  it("coerces python-gitlab's booleans on a query", async () => {
    expect(await validate(RepositoryDetailsQuery, { tags: 'True', tags_count: '1', size: 'False' })).toMatchObject({ tags: true, tags_count: true, size: false });
    expect(await refusal(RepositoryDetailsQuery, { size: 'maybe' })).toBe('size is invalid');
  });

  it('takes decimal page numbers and refuses hex, exponents and fractions', async () => {
    expect(await validate(PaginationQuery, { page: '2', per_page: '40' })).toMatchObject({ page: 2, per_page: 40 });
    expect(await refusal(PaginationQuery, { per_page: '0x28' })).toBe('per_page is invalid');
    expect(await refusal(PaginationQuery, { page: '1e3' })).toBe('page is invalid');
    expect(await refusal(PaginationQuery, { page: '1.5' })).toBe('page is invalid');
  });

  it('types a nested form body (container_expiration_policy_attributes[...]) as JSON would be', async () => {
    const form = { container_expiration_policy_attributes: { enabled: 'true', keep_n: '10', older_than: '14d' } };
    const json = { container_expiration_policy_attributes: { enabled: true, keep_n: 10, older_than: '14d' } };
    const fromForm = await validate(UpdateWithPolicyDto, form);
    expect(fromForm.container_expiration_policy_attributes).toMatchObject(json.container_expiration_policy_attributes);
    expect(await validate(UpdateWithPolicyDto, json)).toEqual(fromForm);
    expect(await refusal(UpdateWithPolicyDto, { container_expiration_policy_attributes: { keep_n: '0x0a' } })).toBe('container_expiration_policy_attributes[keep_n] is invalid');
  });

  it("validates the repository policy's flat form fields (the seeds' --data keep_n=10)", async () => {
    expect(await validate(RepositoryPolicyDto, { cadence: '1d', keep_n: '10', older_than: '30d' })).toMatchObject({ cadence: '1d', keep_n: 10, older_than: '30d' });
  });

  it('takes scopes[] from a form and numbers from text, refusing values outside the allowed set', async () => {
    expect(await validate(CreateDeployTokenDto, { name: 'd', scopes: ['read_registry', 'write_registry'] })).toMatchObject({ scopes: ['read_registry', 'write_registry'] });
    expect(await validate(AddMemberDto, { user_id: '3', access_level: '30' })).toMatchObject({ user_id: 3, access_level: 30 });
    expect(await refusal(AddMemberDto, { user_id: '3', access_level: '0x1e' })).toBe('access_level does not have a valid value');
  });
});

/**
 * Every boolean or integer field of every REST DTO must coerce the GitLab way: a field validated with IsBoolean
 * or IsInt without GitlabBoolean/GitlabInteger (or one typed with `@Type(() => Number)`) would refuse `True` or
 * accept `0x28`. This walks the DTO files so new DTOs are held to it too.
 */
describe('REST DTOs coerce every boolean and integer field', () => {
  const root = join(__dirname, '..');
  const dtoFiles = (dir: string): string[] =>
    readdirSync(dir).flatMap((entry) => {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) return dtoFiles(path);
      return /\.dto\.ts$/.test(entry) || path.endsWith(join('rest', 'pagination.ts')) ? [path] : [];
    });

  it('finds DTO files', () => {
    expect(dtoFiles(root).length).toBeGreaterThan(5);
  });

  it('has GitLab coercion on each IsBoolean / IsInt field, and no @Type(() => Number)', () => {
    // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- class-validator's metadata storage is keyed by Function
    const classes = dtoFiles(root).flatMap((file) => Object.values(require(file) as Record<string, unknown>).filter((value): value is Function => typeof value === 'function'));
    const storage = getMetadataStorage();
    const missing: string[] = [];
    for (const dto of classes) {
      for (const meta of storage.getTargetValidationMetadatas(dto, '', true, false)) {
        const numberTyped = defaultMetadataStorage.findTypeMetadata(dto, meta.propertyName)?.typeFunction() === Number;
        if (!numberTyped && !['isBoolean', 'isInt'].includes(meta.name ?? '')) continue;
        const kind = Reflect.getMetadata(GITLAB_COERCION, dto.prototype, meta.propertyName);
        if (kind === undefined || numberTyped) missing.push(`${dto.name}.${meta.propertyName} (${numberTyped ? '@Type(() => Number)' : meta.name})`);
      }
    }
    expect(missing).toEqual([]);
  });
});
