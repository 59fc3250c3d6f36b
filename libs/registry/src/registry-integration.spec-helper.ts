import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { createIntegrationEnvironment, IntegrationEnvironment, seedProject } from '@cargohold/testing';
import { MEDIA_TYPE_OCI_CONFIG, MEDIA_TYPE_OCI_INDEX, MEDIA_TYPE_OCI_LAYER, MEDIA_TYPE_OCI_MANIFEST } from './domain';
import { RegistryContext, RegistrySettings } from './registry-context';
import { UploadService } from './upload.service';
import { RegistryEventRecorder } from './webhooks/registry-event-recorder';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher';
import { WebhookRepository } from './webhooks/webhook.repository';

export const PUBLIC_URL = 'https://registry.example.test';

/**
 * A RegistryContext on an integration environment (real PostgreSQL with the migrations, a filesystem store), with
 * the event recorder the processes use: events become audit and webhook delivery rows in the change's transaction.
 * `queued` collects the delivery ids handed to the queue after each commit.
 */
export interface RegistryFixture {
  env: IntegrationEnvironment;
  ctx: RegistryContext;
  queued: number[];
  close(): Promise<void>;
}

export async function createRegistryFixture(settings: Partial<RegistrySettings> = {}): Promise<RegistryFixture> {
  const env = await createIntegrationEnvironment();
  const queued: number[] = [];
  const dispatcher = new WebhookDispatcher(env.dataSource, new WebhookRepository(), PUBLIC_URL, async (ids) => void queued.push(...ids), { warn: () => undefined });
  const ctx = new RegistryContext(env.dataSource, env.store, { gcReviewDelay: 3600, deleteEnabled: true, ...settings }, {
    events: new RegistryEventRecorder(dispatcher, PUBLIC_URL),
  });
  return { env, ctx, queued, close: () => env.close() };
}

/** Creates the project (with its groups) that owns repositories under `fullPath`; returns its id. */
export function seedRegistryProject(fixture: RegistryFixture, fullPath: string): Promise<number> {
  return seedProject(fixture.env.database, fullPath);
}

export function sha256(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** A request body the way the /v2/ handler hands it to the services. */
export function body(bytes: Buffer | string): Readable {
  return Readable.from([Buffer.from(bytes)]);
}

/** Uploads `bytes` as one monolithic blob into the repository; returns its digest. */
export async function pushBlob(uploads: UploadService, repositoryPath: string, bytes: Buffer | string): Promise<string> {
  const digest = sha256(bytes);
  await uploads.uploadMonolithic(repositoryPath, digest, { body: body(bytes), length: Buffer.byteLength(bytes) });
  return digest;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
}

export function describeBytes(mediaType: string, bytes: Buffer | string): Descriptor {
  return { mediaType, digest: sha256(bytes), size: Buffer.byteLength(bytes) };
}

/** An OCI image manifest's exact bytes (what a client would PUT). */
export function imageManifest(parts: { config: Descriptor; layers: Descriptor[]; subject?: Descriptor; artifactType?: string; annotations?: Record<string, string> }): Buffer {
  return Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPE_OCI_MANIFEST, ...parts }));
}

export function imageIndex(manifests: Descriptor[]): Buffer {
  return Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPE_OCI_INDEX, manifests }));
}

/** Pushes a config and one layer with `seed` in them, and returns the image manifest that uses both. */
export async function pushImageParts(uploads: UploadService, repositoryPath: string, seed: string): Promise<{ manifest: Buffer; config: Descriptor; layer: Descriptor }> {
  const configBytes = JSON.stringify({ architecture: 'amd64', os: 'linux', seed });
  const layerBytes = `layer bytes of ${seed}`;
  await pushBlob(uploads, repositoryPath, configBytes);
  await pushBlob(uploads, repositoryPath, layerBytes);
  const config = describeBytes(MEDIA_TYPE_OCI_CONFIG, configBytes);
  const layer = describeBytes(MEDIA_TYPE_OCI_LAYER, layerBytes);
  return { manifest: imageManifest({ config, layers: [layer] }), config, layer };
}
