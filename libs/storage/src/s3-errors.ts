/** Classifies errors of the AWS SDK, whose shape differs between AWS and S3-compatible servers. */

interface SdkError {
  name?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

function details(error: unknown): { name: string; status: number | undefined } {
  const e = (error ?? {}) as SdkError;
  return { name: e.name ?? e.Code ?? '', status: e.$metadata?.httpStatusCode };
}

/**
 * The object (not the bucket) is absent. HEAD answers carry no body, so the SDK can only name them
 * `NotFound`; a missing bucket must surface as a real error rather than look like a missing blob.
 */
export function isNoSuchKey(error: unknown): boolean {
  const { name, status } = details(error);
  if (name === 'NoSuchKey' || name === 'NotFound') return true;
  return status === 404 && name !== 'NoSuchBucket';
}

export function isInvalidRange(error: unknown): boolean {
  const { name, status } = details(error);
  return name === 'InvalidRange' || status === 416;
}

/** The server does not implement an operation (s3rver and some gateways lack UploadPartCopy). */
export function isNotImplemented(error: unknown): boolean {
  const { name, status } = details(error);
  return name === 'NotImplemented' || status === 501;
}
