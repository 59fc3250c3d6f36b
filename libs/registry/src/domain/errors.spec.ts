import { OCI_ERRORS, type OciErrorCode, RegistryError, isRegistryError, truncateForMessage } from './errors';

describe('OCI_ERRORS', () => {
  it.each<[OciErrorCode, number, string]>([
    ['BLOB_UNKNOWN', 404, 'blob unknown to registry'],
    ['BLOB_UPLOAD_INVALID', 400, 'blob upload invalid'],
    ['BLOB_UPLOAD_UNKNOWN', 404, 'blob upload unknown to registry'],
    ['DIGEST_INVALID', 400, 'provided digest did not match uploaded content'],
    ['MANIFEST_BLOB_UNKNOWN', 400, 'manifest references a manifest or blob unknown to registry'],
    ['MANIFEST_INVALID', 400, 'manifest invalid'],
    ['MANIFEST_UNKNOWN', 404, 'manifest unknown to registry'],
    ['NAME_INVALID', 400, 'invalid repository name'],
    ['NAME_UNKNOWN', 404, 'repository name not known to registry'],
    ['SIZE_INVALID', 400, 'provided length did not match content length'],
    ['UNAUTHORIZED', 401, 'authentication required'],
    ['DENIED', 403, 'requested access to the resource is denied'],
    ['UNSUPPORTED', 405, 'the operation is unsupported'],
    ['TOOMANYREQUESTS', 429, 'too many requests'],
    ['RANGE_INVALID', 416, 'invalid content range'],
    ['UNAVAILABLE', 503, 'service unavailable'],
    ['TAG_INVALID', 400, 'invalid tag'],
    ['PAGINATION_NUMBER_INVALID', 400, 'invalid number of results requested'],
    ['UNKNOWN', 500, 'unknown error'],
  ])('%s is %i "%s"', (code, status, message) => {
    expect(OCI_ERRORS[code]).toEqual({ status, message });
  });

  it('has exactly the 19 codes', () => {
    expect(Object.keys(OCI_ERRORS)).toHaveLength(19);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(OCI_ERRORS)).toBe(true);
  });
});

describe('RegistryError', () => {
  it('defaults message and status from the table', () => {
    const e = new RegistryError('BLOB_UNKNOWN');
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(RegistryError);
    expect(e.name).toBe('RegistryError');
    expect(e.code).toBe('BLOB_UNKNOWN');
    expect(e.message).toBe('blob unknown to registry');
    expect(e.status).toBe(404);
    expect(e.detail).toBeUndefined();
  });

  it('keeps an explicit message, detail and status', () => {
    const e = new RegistryError('MANIFEST_INVALID', 'too big', { limit: 4 }, 413);
    expect(e.message).toBe('too big');
    expect(e.detail).toEqual({ limit: 4 });
    expect(e.status).toBe(413);
  });

  it('renders the OCI error body with detail', () => {
    const e = new RegistryError('DENIED', undefined, { scope: 'repository:a/b:push' });
    expect(e.toOciBody()).toEqual({
      errors: [
        { code: 'DENIED', message: 'requested access to the resource is denied', detail: { scope: 'repository:a/b:push' } },
      ],
    });
  });

  it('renders an empty detail when there is none (code, message and detail are always there)', () => {
    const body = new RegistryError('UNAUTHORIZED').toOciBody();
    expect(body).toEqual({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required', detail: {} }] });
    expect(JSON.parse(JSON.stringify(body))).toEqual(body);
  });

  it('keeps falsy but present details', () => {
    expect(new RegistryError('SIZE_INVALID', undefined, 0).toOciBody().errors[0].detail).toBe(0);
    expect(new RegistryError('SIZE_INVALID', undefined, null).toOciBody().errors[0]).toHaveProperty('detail', null);
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
