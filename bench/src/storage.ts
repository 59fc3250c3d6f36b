import { createAzureContainerClient } from '@cargohold/storage';
import { startAzurite, startS3rver } from '@cargohold/testing';
import { onCleanup } from './cleanup';

const DRIVERS = ['filesystem', 's3', 'azure'] as const;
export type BenchStorage = (typeof DRIVERS)[number];

/** BENCH_STORAGE: the storage driver cargohold runs on during the bench (filesystem unless set). */
export function benchStorage(): BenchStorage {
  const value = process.env.BENCH_STORAGE ?? 'filesystem';
  if (!(DRIVERS as readonly string[]).includes(value)) throw new Error(`BENCH_STORAGE: unknown driver ${value}; known: ${DRIVERS.join(', ')}`);
  return value as BenchStorage;
}

export interface BenchStorageBackend {
  /** What the report calls it. */
  label: string;
  /** The api's and worker's storage settings. */
  env: Record<string, string>;
  /** The emulator's process, pinned with the servers: it is part of cargohold's server side here. */
  pid?: number;
}

/**
 * Starts what the driver stores into: nothing for the filesystem (a temp dir), s3rver for S3, Azurite for Azure.
 * Both emulators are single Node processes on loopback with their own disk layout, so their figures say how the
 * drivers behave (streaming, server-side commits, memory), not what AWS or Azure would deliver.
 */
export async function startBenchStorage(driver: BenchStorage): Promise<BenchStorageBackend> {
  switch (driver) {
    case 'filesystem':
      return { label: 'filesystem', env: {} };
    case 's3': {
      const s3 = await startS3rver('bench');
      onCleanup('stop s3rver', () => s3.stop());
      const env = {
        STORAGE_DRIVER: 's3',
        S3_ENDPOINT: s3.endpoint,
        S3_BUCKET: s3.bucket,
        S3_REGION: 'us-east-1',
        S3_ACCESS_KEY_ID: s3.accessKeyId,
        S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
        S3_FORCE_PATH_STYLE: 'true',
      };
      return { label: 's3 on s3rver (emulator)', env, pid: s3.pid };
    }
    case 'azure': {
      const azurite = await startAzurite();
      onCleanup('stop Azurite', () => azurite.stop());
      const config = { container: 'bench', accountName: azurite.accountName, accountKey: azurite.accountKey, endpoint: azurite.blobEndpoint, redirect: false };
      await createAzureContainerClient(config).create();
      const env = {
        STORAGE_DRIVER: 'azure',
        AZURE_ACCOUNT_NAME: config.accountName,
        AZURE_ACCOUNT_KEY: config.accountKey,
        AZURE_ENDPOINT: config.endpoint,
        AZURE_CONTAINER: config.container,
      };
      return { label: 'azure on Azurite (emulator)', env, pid: azurite.pid };
    }
  }
}
