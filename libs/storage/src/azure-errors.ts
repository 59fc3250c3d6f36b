/** Classifies errors of the Azure SDK (RestError): its HTTP status and the service's error code. */

interface RestErrorLike {
  statusCode?: number;
  code?: string;
  details?: { errorCode?: string };
}

export function azureStatus(error: unknown): number | undefined {
  return (error as RestErrorLike | undefined)?.statusCode;
}

/** The service's error code (`BlobNotFound`, `ContainerNotFound`, ...); HEAD answers carry it in a header only. */
export function azureCode(error: unknown): string {
  const e = (error ?? {}) as RestErrorLike;
  return e.details?.errorCode ?? e.code ?? '';
}

/** The blob (not the container) is absent: a missing container must surface as a real error, not as a missing blob. */
export function isBlobNotFound(error: unknown): boolean {
  return azureStatus(error) === 404 && azureCode(error) !== 'ContainerNotFound';
}

export function isInvalidRange(error: unknown): boolean {
  return azureStatus(error) === 416;
}

/** A conditional request lost: `If-None-Match: *` met an existing blob (409/412), or `If-Match` a changed one (412). */
export function isConditionFailed(error: unknown): boolean {
  const status = azureStatus(error);
  return status === 412 || (status === 409 && azureCode(error) === 'BlobAlreadyExists');
}
