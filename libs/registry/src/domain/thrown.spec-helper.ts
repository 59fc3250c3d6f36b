import { RegistryError } from './errors';

/** Runs `fn` and returns the RegistryError it throws; fails the test when it throws anything else or nothing. */
export function thrown(fn: () => unknown): RegistryError {
  try {
    fn();
  } catch (e) {
    if (e instanceof RegistryError) return e;
    throw new Error(`expected a RegistryError, got ${String(e)}`);
  }
  throw new Error('expected a RegistryError, nothing was thrown');
}
