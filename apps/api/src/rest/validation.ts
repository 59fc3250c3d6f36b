import { ValidationError, ValidationPipe } from '@nestjs/common';
import { Transform } from 'class-transformer';
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
 * ignores them), values are converted to the DTO's types.
 */
export const restValidationPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: false,
  transform: true,
  validationError: { target: false, value: true },
  exceptionFactory: (errors) => new RestValidationError(describeValidationErrors(errors)),
});

/** Query strings and form bodies carry booleans as text. */
export const ToBoolean = () =>
  Transform(({ value }) => {
    if (value === 'true' || value === true || value === '1') return true;
    if (value === 'false' || value === false || value === '0') return false;
    return value;
  });

/** Arrays may come as JSON arrays, repeated form fields or one comma-separated string. */
export const ToStringArray = () =>
  Transform(({ value }) => {
    if (typeof value === 'string') return value.split(',').map((item) => item.trim()).filter(Boolean);
    return value;
  });
