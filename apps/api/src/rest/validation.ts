import { applyDecorators, ValidationError, ValidationPipe } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsArray, IsBoolean, IsInt, IsString } from 'class-validator';
import { coerceGitlabBoolean, coerceGitlabInteger, coerceGitlabStringArray } from './gitlab-params';
import { RestValidationError } from './rest-errors';

/** GitLab's parameter error wording: "name is missing", "scopes does not have a valid value", "page is invalid". */
export function describeValidationErrors(errors: ValidationError[], prefix = ''): string {
  const messages: string[] = [];
  for (const error of errors) {
    const name = prefix ? `${prefix}[${error.property}]` : error.property;
    if (error.children && error.children.length > 0) messages.push(describeValidationErrors(error.children, name));
    if (!error.constraints) continue;
    const keys = Object.keys(error.constraints);
    if (error.value === undefined || error.value === null || error.value === '') messages.push(`${name} is missing`);
    else if (keys.some((key) => ['isIn', 'isEnum', 'isInOrList'].includes(key))) messages.push(`${name} does not have a valid value`);
    else messages.push(`${name} is invalid`);
  }
  return messages.filter(Boolean).join(', ');
}

/**
 * Every REST body and query goes through this: unknown properties are dropped (not refused, as GitLab
 * ignores them), values are converted to the DTO's types by the fields' own decorators (GitlabBoolean,
 * GitlabInteger, GitlabStringArray below; no implicit conversion, which would read "false" as true).
 * What a DTO receives, for @Query() and @Body() alike, is the query string and the body merged
 * (http/rest-params.ts).
 */
export const restValidationPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: false,
  transform: true,
  validationError: { target: false, value: true },
  exceptionFactory: (errors) => new RestValidationError(describeValidationErrors(errors)),
});

/** Where the GitLab coercion decorators record what they coerce to (read by the DTO coverage test). */
export const GITLAB_COERCION = 'cargohold:gitlab-coercion';
export type GitlabCoercion = 'boolean' | 'integer' | 'string-array';

function recordCoercion(kind: GitlabCoercion): PropertyDecorator {
  return (target, key) => Reflect.defineMetadata(GITLAB_COERCION, kind, target, key);
}

/**
 * A boolean parameter as GitLab takes it: `true`/`false`, `True`/`False`, `1`/`0`, `yes`/`no`, `on`/`off`,
 * `t`/`f`, `y`/`n` (Grape's spellings) from a query string or form, or a JSON boolean; anything else is
 * "<param> is invalid". Every boolean field of a REST DTO uses this, so python-gitlab's `?owned=True` works.
 */
export const GitlabBoolean = () => applyDecorators(Transform(({ value }) => coerceGitlabBoolean(value)), IsBoolean(), recordCoercion('boolean'));

/**
 * An integer parameter as GitLab takes it: decimal text (`10`, `-3`) or a JSON integer. `0x28`, `1e1`, `1.5`
 * and numbers past 2^53 are "<param> is invalid" (class-transformer's `@Type(() => Number)` would read `0x28`
 * as 40 and `` as 0: do not use it for parameters). Range checks (Min, Max, IsIn) go beside it.
 */
export const GitlabInteger = () => applyDecorators(Transform(({ value }) => coerceGitlabInteger(value)), IsInt(), recordCoercion('integer'));

/** An array of strings: a JSON array, repeated fields (`scopes[]=a&scopes[]=b`) or one comma-separated string. */
export const GitlabStringArray = () =>
  applyDecorators(Transform(({ value }) => coerceGitlabStringArray(value)), IsArray(), IsString({ each: true }), recordCoercion('string-array'));

/** @deprecated Use GitlabBoolean(), which also validates. Kept so DTOs written against it get Grape's coercion. */
export const ToBoolean = () => applyDecorators(Transform(({ value }) => coerceGitlabBoolean(value)), recordCoercion('boolean'));

/** @deprecated Use GitlabStringArray(), which also validates. */
export const ToStringArray = () => applyDecorators(Transform(({ value }) => coerceGitlabStringArray(value)), recordCoercion('string-array'));
