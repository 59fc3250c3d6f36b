/**
 * Mirrors `S3Config` of the application config (libs/config) without depending on it, as
 * `BlobStoreConfig` does for the filesystem driver.
 */
export interface S3BlobStoreConfig {
  bucket: string;
  /** Unset: AWS itself. Set for MinIO, Ceph, R2 and other S3-compatible servers. */
  endpoint?: string;
  region: string;
  /** Both unset: the SDK's default credential chain (environment, instance or task role, ...). */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** `https://endpoint/bucket/key` instead of `https://bucket.endpoint/key` (MinIO usually needs it). */
  forcePathStyle: boolean;
  /** Answer blob GETs with a 307 to a presigned URL instead of streaming the bytes through the api. */
  redirect: boolean;
}
