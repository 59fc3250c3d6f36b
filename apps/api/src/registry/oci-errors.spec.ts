import { OciErrorCode, REGISTRY_ERROR_MESSAGES, RegistryError, RegistryErrorCode } from '@cargohold/registry';
import { OCI_ERRORS, ociErrorBody, ociErrorFor } from './oci-errors';

describe('OCI_ERRORS', () => {
  it.each<[OciErrorCode, number]>([
    ['BLOB_UNKNOWN', 404],
    ['BLOB_UPLOAD_INVALID', 400],
    ['BLOB_UPLOAD_UNKNOWN', 404],
    ['DIGEST_INVALID', 400],
    ['MANIFEST_BLOB_UNKNOWN', 400],
    ['MANIFEST_INVALID', 400],
    ['MANIFEST_UNKNOWN', 404],
    ['NAME_INVALID', 400],
    ['NAME_UNKNOWN', 404],
    ['SIZE_INVALID', 400],
    ['UNAUTHORIZED', 401],
    ['DENIED', 403],
    ['UNSUPPORTED', 405],
    ['TOOMANYREQUESTS', 429],
    ['RANGE_INVALID', 416],
    ['UNAVAILABLE', 503],
    ['TAG_INVALID', 400],
    ['PAGINATION_NUMBER_INVALID', 400],
    ['UNKNOWN', 500],
  ])('answers %s with %i under its own code', (code, status) => {
    const response = ociErrorFor(new RegistryError(code));
    expect(response.status).toBe(status);
    expect(response.body).toEqual({ errors: [{ code, message: REGISTRY_ERROR_MESSAGES[code], detail: {} }] });
  });

  it.each<[RegistryErrorCode, number, OciErrorCode]>([
    ['MANIFEST_TOO_LARGE', 413, 'SIZE_INVALID'],
    ['MANIFEST_REFERENCED', 409, 'DENIED'],
  ])('answers the condition %s with %i under %s', (condition, status, code) => {
    const response = ociErrorFor(new RegistryError(condition, 'why', { digest: 'sha256:x' }));
    expect(response.status).toBe(status);
    expect(response.body).toEqual({ errors: [{ code, message: 'why', detail: { digest: 'sha256:x' } }] });
  });

  it('has a row for every code that has a message, and is frozen', () => {
    expect(Object.keys(OCI_ERRORS).sort()).toEqual(Object.keys(REGISTRY_ERROR_MESSAGES).sort());
    expect(Object.isFrozen(OCI_ERRORS)).toBe(true);
  });
});

describe('ociErrorFor', () => {
  it('says the current length in Content-Range on a 416 whose detail has the size', () => {
    expect(ociErrorFor(new RegistryError('RANGE_INVALID', 'chunk starts at 9', { size: 1000 })).headers).toEqual({ 'Content-Range': 'bytes */1000' });
    expect(ociErrorFor(new RegistryError('RANGE_INVALID', 'empty blob', { range: 'bytes=0-', size: 0 })).headers).toEqual({ 'Content-Range': 'bytes */0' });
  });

  it('adds no Content-Range without a usable size, nor on other codes', () => {
    expect(ociErrorFor(new RegistryError('RANGE_INVALID', 'malformed')).headers).toEqual({});
    expect(ociErrorFor(new RegistryError('RANGE_INVALID', 'odd', { size: '12' })).headers).toEqual({});
    expect(ociErrorFor(new RegistryError('RANGE_INVALID', 'odd', { size: -1 })).headers).toEqual({});
    expect(ociErrorFor(new RegistryError('MANIFEST_TOO_LARGE', 'big', { size: 5 })).headers).toEqual({});
  });
});

describe('ociErrorBody', () => {
  it('always carries code, message and detail, keeping falsy details', () => {
    expect(ociErrorBody('UNAUTHORIZED', 'authentication required')).toEqual({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required', detail: {} }] });
    expect(ociErrorBody('SIZE_INVALID', 'x', 0).errors[0].detail).toBe(0);
    expect(ociErrorBody('SIZE_INVALID', 'x', null).errors[0]).toHaveProperty('detail', null);
  });
});
