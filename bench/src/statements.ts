import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { call } from './blob-client';
import { closeAgent } from './blob-client';
import { startCargohold } from './targets';
import { BENCH_PROJECT } from './targets';
import { runCleanup } from './cleanup';
import { createHash } from 'node:crypto';

/**
 * `node bench/dist/statements.js`: the SQL statements each small /v2/ operation runs, read from the PostgreSQL
 * server log with `log_statement = all` set on the bench database only (PG_LOG, default Debian's path).
 */
const LOG = process.env.PG_LOG ?? '/var/log/postgresql/postgresql-15-main.log';

async function main(): Promise<void> {
  const ours = await startCargohold(false, {}, async (db) => {
    await db.query(`ALTER DATABASE "${new URL(db.url).pathname.slice(1)}" SET log_statement = 'all'`);
  });
  const dbName = new URL(ours.db.url).pathname.slice(1);
  const name = `${BENCH_PROJECT}/stmts`;
  const auth = await ours.auth(`repository:${name}:pull,push`);
  const bytes = (n: number) => randomBytes(n);
  const digestOf = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
  const upload = async (b: Buffer) => {
    const post = await call('POST', `${ours.url}/v2/${name}/blobs/uploads/`, { ...auth, 'content-length': '0' });
    await post.body.dump();
    const patch = await call('PATCH', new URL(post.headers.location as string, ours.url).toString(), { ...auth, 'content-type': 'application/octet-stream', 'content-length': String(b.length) }, b);
    await patch.body.dump();
    const put = await call('PUT', `${new URL(patch.headers.location as string, ours.url)}?digest=${digestOf(b)}`, { ...auth, 'content-length': '0' });
    await put.body.dump();
    if (put.statusCode !== 201) throw new Error(`PUT ${put.statusCode}`);
  };
  const config = Buffer.from('{"architecture":"amd64","os":"linux"}');
  const layer = bytes(4096);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: digestOf(layer), size: layer.length }],
  });
  const putManifest = async (tag: string) => {
    const r = await call('PUT', `${ours.url}/v2/${name}/manifests/${tag}`, { ...auth, 'content-type': 'application/vnd.oci.image.manifest.v1+json' }, manifest);
    await r.body.dump();
    if (r.statusCode !== 201) throw new Error(`manifest PUT ${r.statusCode}`);
  };
  // Warm-up: every path once (and new pool connections that carry log_statement).
  for (let i = 0; i < 12; i++) await upload(bytes(100));
  await upload(config);
  await upload(layer);
  await putManifest('warm');
  const mark = async (label: string) => ours.db.query(`SELECT 'MARK ${label}'`);
  const operations: Array<[string, () => Promise<void>]> = [
    ['blob HEAD', async () => (await call('HEAD', `${ours.url}/v2/${name}/blobs/${digestOf(layer)}`, auth)).body.dump()],
    ['upload POST+PATCH+PUT', () => upload(bytes(2048))],
    ['monolithic POST ?digest=', async () => {
      const b = bytes(1024);
      const r = await call('POST', `${ours.url}/v2/${name}/blobs/uploads/?digest=${digestOf(b)}`, { ...auth, 'content-type': 'application/octet-stream', 'content-length': String(b.length) }, b);
      await r.body.dump();
    }],
    ['manifest PUT new tag', () => putManifest(`t${randomBytes(3).toString('hex')}`)],
    ['manifest PUT same tag, same content', () => putManifest('warm')],
    ['mount', async () => {
      const dest = `${BENCH_PROJECT}/stmts-mount`;
      const a = await ours.freshAuth(`repository:${dest}:pull,push repository:${name}:pull`);
      await mark('mount-token-done');
      const r = await call('POST', `${ours.url}/v2/${dest}/blobs/uploads/?mount=${digestOf(layer)}&from=${name}`, { ...a, 'content-length': '0' });
      await r.body.dump();
      if (r.statusCode !== 201) throw new Error(`mount ${r.statusCode}`);
    }],
    ['token', async () => void (await ours.freshAuth(`repository:${name}:pull,push`))],
  ];
  const logStart = statSync(LOG).size;
  for (const [label, run] of operations) {
    await mark(`begin ${label}`);
    await run();
    await new Promise((r) => setTimeout(r, 300));
    await mark(`end ${label}`);
  }
  await new Promise((r) => setTimeout(r, 500));
  const lines = readFileSync(LOG).subarray(logStart).toString('utf8').split('\n').filter((l) => l.includes(`@${dbName} `));
  process.stdout.write(lines.join('\n') + '\n');
}

main()
  .then(async () => {
    await closeAgent();
    await runCleanup();
    process.exit(0);
  })
  .catch(async (error: unknown) => {
    process.stderr.write(`failed: ${(error as Error).stack ?? error}\n`);
    await runCleanup();
    process.exit(1);
  });
