import { Type } from 'class-transformer';
import { IsInt, Max, Min, registerDecorator } from 'class-validator';
import { parseTrustProxy } from './trust-proxy';

/**
 * An integer variable with its bounds, every failure (not a number, a fraction, out of range) reported with the
 * same message that states the whole rule: `PORT must be an integer between 1 and 65535`.
 */
export function IntegerSetting(min: number, max?: number): PropertyDecorator {
  const message = max === undefined ? `must be an integer of at least ${min}` : `must be an integer between ${min} and ${max}`;
  return (target, key) => {
    Type(() => Number)(target, key);
    IsInt({ message })(target, key);
    Min(min, { message })(target, key);
    if (max !== undefined) Max(max, { message })(target, key);
  };
}

/** TRUST_PROXY: `false`, a hop count, or a comma-separated list of addresses and CIDR ranges. */
export function TrustProxySetting(): PropertyDecorator {
  return (target, key) =>
    registerDecorator({
      name: 'trustProxy',
      target: target.constructor,
      propertyName: key as string,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && parseTrustProxy(value) !== undefined,
        defaultMessage: () => 'must be false, a hop count (1-10), or a comma-separated list of IP addresses and CIDR ranges',
      },
    });
}
