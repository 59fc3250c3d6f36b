import { S3Client } from '@aws-sdk/client-s3';
import { S3BlobStoreConfig } from './s3-config';

const MAX_SOCKETS = 512;

export function createS3Client(config: S3BlobStoreConfig): S3Client {
  const credentials =
    config.accessKeyId && config.secretAccessKey ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey } : undefined;
  return new S3Client({
    region: config.region,
    endpoint: config.endpoint,
    forcePathStyle: config.forcePathStyle,
    credentials,
    // Since 3.729 the SDK adds CRC checksums to every upload by default, sending streamed bodies with
    // aws-chunked encoding and trailers. Many S3-compatible servers do not understand that, and we
    // verify content by digest ourselves, so checksums are only sent where the API demands them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: {
      // Every blob pulled through the api holds a socket for as long as the client downloads; the SDK's
      // default of 50 per process would queue the 51st pull behind the others.
      httpAgent: { keepAlive: true, maxSockets: MAX_SOCKETS },
      httpsAgent: { keepAlive: true, maxSockets: MAX_SOCKETS },
      // Fail fast when the server is unreachable. No request (idle) timeout: a slow client legitimately
      // leaves a download's socket idle while it catches up.
      connectionTimeout: 10_000,
    },
  });
}
