/**
 * Mirrors `AzureConfig` of the application config (libs/config) without depending on it, as `S3BlobStoreConfig`
 * does for S3. Either a connection string, or an account name and key (with the endpoint when it is not Azure's
 * public cloud: Azurite, sovereign clouds, private endpoints).
 */
export interface AzureBlobStoreConfig {
  container: string;
  connectionString?: string;
  accountName?: string;
  accountKey?: string;
  /** The blob service URL; unset: `https://<accountName>.blob.core.windows.net`. */
  endpoint?: string;
  /** Answer blob GETs with a 307 to a short-lived read-only SAS URL instead of streaming the bytes through the api. */
  redirect: boolean;
}
