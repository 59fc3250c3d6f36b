import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CreateBucketCommand, DeleteObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createS3Client } from './s3-client';
import { S3BlobStoreConfig } from './s3-config';

/**
 * A real S3-compatible server (s3rver) for tests, on 127.0.0.1 and a free port, storing under a
 * temporary directory. Named `.suite.ts` so the package build skips it (s3rver is a devDependency);
 * unit specs and e2e specs import it by path.
 */
export interface TestS3Server {
  endpoint: string;
  bucket: string;
  /** A driver configuration pointing at this server (path-style, s3rver's fixed credentials). */
  config: S3BlobStoreConfig;
  /** Creates another bucket on this server. */
  createBucket(name: string): Promise<void>;
  /** Every key in `bucket` under `prefix`, across pages. */
  listKeys(bucket: string, prefix: string): Promise<string[]>;
  /** Deletes one object, behind the api's back (what another process, GC or a sweeper, would do). */
  deleteKey(bucket: string, key: string): Promise<void>;
  /** UploadPartCopy requests served (only counted with `uploadPartCopy: true`). */
  partCopies(): number;
  stop(): Promise<void>;
}

export interface TestS3ServerOptions {
  bucket?: string;
  /**
   * s3rver answers UploadPartCopy with 501. With this on, a small middleware implements it on top of
   * s3rver's own store, so the driver's server-side copy path (what AWS and MinIO take) is tested
   * too; with it off, the driver's streaming fallback is.
   */
  uploadPartCopy?: boolean;
  /** false: answer DeleteObjects (`POST ?delete`) with 501 NotImplemented, as Google Cloud Storage's XML API does. */
  multiDelete?: boolean;
  /**
   * Called before the server handles each request; the request waits until the returned promise settles.
   * Tests use it to hold an operation (a multipart assemble) in flight and look at the world meanwhile.
   */
  hold?: (request: { method: string; path: string; query: Record<string, string | undefined> }) => Promise<void> | undefined;
}

// s3rver ships no types; this is the part of its surface we use.
interface S3rverStore {
  listObjects(bucket: string, options: object): Promise<{ objects: Array<{ key: string }>; isTruncated: boolean }>;
  getObject(bucket: string, key: string): Promise<{ content: NodeJS.ReadableStream } | null>;
  putPart(bucket: string, uploadId: string, partNumber: string, content: NodeJS.ReadableStream): Promise<{ md5: string }>;
}
interface KoaContext {
  method: string;
  path: string;
  query: Record<string, string | undefined>;
  querystring: string;
  headers: Record<string, string | undefined>;
  store: S3rverStore;
  status: number;
  body: unknown;
}
type Middleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;
interface S3rverInstance {
  middleware: Middleware[];
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}

export async function startTestS3Server(options: TestS3ServerOptions = {}): Promise<TestS3Server> {
  const S3rver = require('s3rver') as new (options: object) => S3rverInstance;
  const bucket = options.bucket ?? 'test-bucket';
  const directory = mkdtempSync(path.join(tmpdir(), 's3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  // Before the router (the last middleware), after the one that serialises object bodies as XML.
  let partCopies = 0;
  const countedPartCopy: Middleware = (ctx, next) => {
    if (ctx.method === 'PUT' && ctx.query.uploadId && ctx.headers['x-amz-copy-source']) partCopies++;
    return uploadPartCopy(ctx, next);
  };
  const held: Middleware = async (ctx, next) => {
    await options.hold?.({ method: ctx.method, path: ctx.path, query: ctx.query });
    return next();
  };
  const extra = [
    held,
    ...(options.multiDelete === false ? [noMultiDelete] : []),
    ...(options.uploadPartCopy ? [listContinuation, countedPartCopy] : [listContinuation]),
  ];
  server.middleware.splice(server.middleware.length - 1, 0, ...extra);
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const config: S3BlobStoreConfig = {
    bucket,
    endpoint,
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    forcePathStyle: true,
    redirect: false,
  };
  const client = createS3Client(config);
  return {
    endpoint,
    bucket,
    config,
    createBucket: async (name) => {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    },
    listKeys: async (name, prefix) => {
      const found: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: name, Prefix: prefix, ContinuationToken: token }));
        found.push(...(page.Contents ?? []).map((object) => object.Key!));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return found;
    },
    deleteKey: async (name, key) => {
      await client.send(new DeleteObjectCommand({ Bucket: name, Key: key }));
    },
    partCopies: () => partCopies,
    stop: async () => {
      client.destroy();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** PUT /<bucket>/<key>?partNumber&uploadId with x-amz-copy-source (whole-object copies only). */
const uploadPartCopy: Middleware = async (ctx, next) => {
  const source = ctx.headers['x-amz-copy-source'];
  if (ctx.method !== 'PUT' || !ctx.query.uploadId || !source) return next();
  if (ctx.headers['x-amz-copy-source-range']) throw new Error('the test server does not implement x-amz-copy-source-range');
  const [sourceBucket, ...sourceKey] = decodeURIComponent(source).replace(/^\//, '').split('/');
  const [, bucket] = ctx.path.split('/');
  const object = await ctx.store.getObject(sourceBucket, sourceKey.join('/'));
  if (!object) {
    ctx.status = 404;
    ctx.body = { Error: { Code: 'NoSuchKey', Message: 'The specified key does not exist.' } };
    return;
  }
  const { md5 } = await ctx.store.putPart(bucket, ctx.query.uploadId, ctx.query.partNumber ?? '', object.content);
  ctx.body = { CopyPartResult: { LastModified: new Date().toISOString(), ETag: JSON.stringify(md5) } };
};

/** What Google Cloud Storage's XML API answers to DeleteObjects. */
const noMultiDelete: Middleware = async (ctx, next) => {
  if (ctx.method !== 'POST' || ctx.query.delete === undefined) return next();
  ctx.status = 501;
  ctx.body = { Error: { Code: 'NotImplemented', Message: 'A header or query you provided requested a function that is not implemented.' } };
};

/**
 * s3rver encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 (Node >= 17) no longer
 * offers, so every truncated listing fails with InternalError. This swaps in plain tokens: the
 * request's token becomes `start-after`, and the store's truncation is reported with a token of ours.
 */
const listContinuation: Middleware = async (ctx, next) => {
  if (ctx.method !== 'GET' || ctx.query['list-type'] !== '2') return next();
  const params = new URLSearchParams(ctx.querystring);
  const token = params.get('continuation-token');
  if (token) {
    params.delete('continuation-token');
    params.set('start-after', Buffer.from(token, 'base64url').toString('utf8'));
    ctx.querystring = params.toString();
  }
  let lastKey: string | undefined;
  const store = ctx.store;
  ctx.store = Object.create(store, {
    listObjects: {
      value: async (bucket: string, options: object) => {
        const result = await store.listObjects(bucket, options);
        if (result.isTruncated) lastKey = result.objects[result.objects.length - 1]?.key;
        return { ...result, isTruncated: false };
      },
    },
  }) as S3rverStore;
  await next();
  const body = (ctx.body as { ListBucketResult?: Record<string, unknown> } | undefined)?.ListBucketResult;
  if (body && lastKey !== undefined) {
    body.IsTruncated = true;
    body.NextContinuationToken = Buffer.from(lastKey).toString('base64url');
  }
};
