import { BlobServiceClient, ContainerClient, StoragePipelineOptions, StorageSharedKeyCredential } from '@azure/storage-blob';
import { AzureBlobStoreConfig } from './azure-config';

const PIPELINE: StoragePipelineOptions = {
  keepAliveOptions: { enable: true },
  // The SDK's defaults wait 4 s before the first retry (up to 2 minutes later on): a readiness probe or a PATCH
  // would hang that long on an unreachable endpoint. Throttling (503) and timeouts are still retried, sooner.
  retryOptions: { maxTries: 4, retryDelayInMs: 250, maxRetryDelayInMs: 4_000 },
  userAgentOptions: { userAgentPrefix: 'cargohold' },
};

/** The container the driver works in, authorised by the connection string or by the account's shared key. */
export function createAzureContainerClient(config: AzureBlobStoreConfig): ContainerClient {
  return createAzureServiceClient(config).getContainerClient(config.container);
}

export function createAzureServiceClient(config: AzureBlobStoreConfig): BlobServiceClient {
  if (config.connectionString) return BlobServiceClient.fromConnectionString(config.connectionString, PIPELINE);
  if (!config.accountName || !config.accountKey) {
    throw new Error('the azure storage driver needs AZURE_CONNECTION_STRING, or AZURE_ACCOUNT_NAME and AZURE_ACCOUNT_KEY');
  }
  const endpoint = config.endpoint ?? `https://${config.accountName}.blob.core.windows.net`;
  return new BlobServiceClient(endpoint, new StorageSharedKeyCredential(config.accountName, config.accountKey), PIPELINE);
}
