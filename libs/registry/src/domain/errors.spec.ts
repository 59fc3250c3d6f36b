import { REGISTRY_ERROR_MESSAGES, RegistryError, isRegistryError, truncateForMessage } from './errors';

describe('REGISTRY_ERROR_MESSAGES', () => {
  it('words the OCI codes as the spec does', () => {
    expect(REGISTRY_ERROR_MESSAGES.BLOB_UNKNOWN).toBe('blob unknown to registry');
    expect(REGISTRY_ERROR_MESSAGES.MANIFEST_BLOB_UNKNOWN).toBe('manifest references a manifest or blob unknown to registry');
    expect(REGISTRY_ERROR_MESSAGES.DENIED).toBe('requested access to the resource is denied');
    expect(REGISTRY_ERROR_MESSAGES.UNKNOWN).toBe('unknown error');
  });

  it('has a message for each of the 19 OCI codes and the 4 conditions, and is frozen', () => {
    expect(Object.keys(REGISTRY_ERROR_MESSAGES)).toHaveLength(23);
    expect(Object.isFrozen(REGISTRY_ERROR_MESSAGES)).toBe(true);
  });
});

describe('RegistryError', () => {
  it('defaults its message from the code and carries no HTTP status', () => {
    const e = new RegistryError('BLOB_UNKNOWN');
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(RegistryError);
    expect(e.name).toBe('RegistryError');
    expect(e.code).toBe('BLOB_UNKNOWN');
    expect(e.message).toBe('blob unknown to registry');
    expect(e.detail).toBeUndefined();
    expect(e).not.toHaveProperty('status');
  });

  it('keeps an explicit message and detail', () => {
    const e = new RegistryError('MANIFEST_TOO_LARGE', 'too big', { limit: 4 });
    expect(e.message).toBe('too big');
    expect(e.detail).toEqual({ limit: 4 });
  });

  it('isRegistryError tells registry errors from others', () => {
    expect(isRegistryError(new RegistryError('UNAVAILABLE'))).toBe(true);
    expect(isRegistryError(new Error('x'))).toBe(false);
    expect(isRegistryError({ code: 'UNAVAILABLE' })).toBe(false);
  });
});

describe('truncateForMessage', () => {
  it('keeps short values and cuts long ones', () => {
    expect(truncateForMessage('abc', 5)).toBe('abc');
    expect(truncateForMessage('abcdef', 5)).toBe('abcde…');
    expect(truncateForMessage('x'.repeat(10_000))).toHaveLength(129);
  });
});
