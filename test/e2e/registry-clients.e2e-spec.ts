import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildOciLayout, createTestDatabase, digestOf, runClient, seedProject, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';

const TLS = ['--src-tls-verify=false', '--dest-tls-verify=false'];

/** Real registry clients (skopeo, the docker CLI) against the real api. */
describe('registry with real clients', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let host: string;
  let work: string;
  let creds: string;
  /** skopeo arguments: plain HTTP and the administrator's token for both ends. */
  const copyArgs = () => [...TLS, '--src-creds', creds, '--dest-creds', creds];
  const readArgs = () => ['--tls-verify=false', '--creds', creds];

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: false });
    host = `127.0.0.1:${platform.port}`;
    creds = `root:${platform.adminToken}`;
    await seedProject(db, 'team/service');
    work = mkdtempSync(path.join(tmpdir(), 'clients-'));
  });

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('copies a multi-layer image to the registry and back with skopeo, digests intact', async () => {
    const layout = buildOciLayout(path.join(work, 'single'), 'v1', [
      { layers: [{ 'etc/hello': 'hello' }, { 'bin/data': randomBytes(2 * 1024 * 1024) }, { 'etc/motd': 'third layer' }] },
    ]);
    await runClient('skopeo', ['copy', ...copyArgs(), `oci:${layout.dir}:v1`, `docker://${host}/team/service:v1`]);

    const inspect = JSON.parse(await runClient('skopeo', ['inspect', ...readArgs(), `docker://${host}/team/service:v1`]));
    expect(inspect.Digest).toBe(layout.top.digest);
    expect(inspect.Layers).toEqual(layout.images[0].layers.map((layer) => layer.digest));

    const out = path.join(work, 'single-out');
    await runClient('skopeo', ['copy', ...copyArgs(), `docker://${host}/team/service:v1`, `dir:${out}`]);
    for (const layer of layout.images[0].layers) {
      expect(digestOf(readFileSync(path.join(out, layer.digest.slice(7))))).toBe(layer.digest);
    }
    expect(digestOf(readFileSync(path.join(out, 'manifest.json')))).toBe(layout.top.digest);
  });

  it('copies a multi-arch index in both directions with skopeo --all', async () => {
    const layout = buildOciLayout(path.join(work, 'multi'), 'multi', [
      { architecture: 'amd64', layers: [{ 'arch.txt': 'amd64' }] },
      { architecture: 'arm64', layers: [{ 'arch.txt': 'arm64' }] },
    ]);
    await runClient('skopeo', ['copy', '--all', ...copyArgs(), `oci:${layout.dir}:multi`, `docker://${host}/team/service/multi:latest`]);
    const raw = await runClient('skopeo', ['inspect', '--raw', ...readArgs(), `docker://${host}/team/service/multi:latest`]);
    expect(digestOf(raw)).toBe(layout.top.digest);
    expect(JSON.parse(raw).manifests.map((m: { platform: { architecture: string } }) => m.platform.architecture)).toEqual(['amd64', 'arm64']);

    const back = path.join(work, 'multi-back');
    await runClient('skopeo', ['copy', '--all', ...copyArgs(), `docker://${host}/team/service/multi:latest`, `oci:${back}:copy`]);
    const index = JSON.parse(readFileSync(path.join(back, 'index.json'), 'utf8'));
    expect(index.manifests[0].digest).toBe(layout.top.digest);
    const blobs = readdirSync(path.join(back, 'blobs', 'sha256'));
    for (const image of layout.images) {
      expect(blobs).toContain(image.manifest.digest.slice(7));
      expect(blobs).toContain(image.layers[0].digest.slice(7));
    }
  });

  it('lists tags and deletes an image with skopeo', async () => {
    const layout = buildOciLayout(path.join(work, 'tags'), 'x', [{ layers: [{ f: 'tags' }] }]);
    for (const tag of ['1.0', '1.1', 'latest']) {
      await runClient('skopeo', ['copy', ...copyArgs(), `oci:${layout.dir}:x`, `docker://${host}/team/service/tagged:${tag}`]);
    }
    const listed = JSON.parse(await runClient('skopeo', ['list-tags', ...readArgs(), `docker://${host}/team/service/tagged`]));
    expect(listed.Tags).toEqual(['1.0', '1.1', 'latest']);
    await runClient('skopeo', ['delete', ...readArgs(), `docker://${host}/team/service/tagged:1.0`]);
    // skopeo deletes by digest, so every tag of that manifest goes with it.
    const after = JSON.parse(await runClient('skopeo', ['list-tags', ...readArgs(), `docker://${host}/team/service/tagged`]));
    expect(after.Tags).toEqual([]);
    const rows = await db.query(`SELECT m.id FROM manifests m JOIN repositories r ON r.id = m.repository_id WHERE r.path = $1 AND m.digest = $2`, [
      'team/service/tagged',
      layout.top.digest,
    ]);
    expect(rows).toHaveLength(0);
  });

  it('serves docker manifest inspect', async () => {
    const layout = buildOciLayout(path.join(work, 'docker'), 'd', [{ layers: [{ f: 'docker' }] }]);
    await runClient('skopeo', ['copy', ...copyArgs(), `oci:${layout.dir}:d`, `docker://${host}/team/service:docker`]);
    // `docker login` needs a daemon; the credentials file it would write is all the CLI reads.
    const dockerConfig = path.join(work, 'docker-config');
    mkdirSync(dockerConfig, { recursive: true });
    writeFileSync(path.join(dockerConfig, 'config.json'), JSON.stringify({ auths: { [host]: { auth: Buffer.from(creds).toString('base64') } } }));
    const out = await runClient('docker', ['manifest', 'inspect', '--insecure', `${host}/team/service:docker`], { DOCKER_CONFIG: dockerConfig });
    const manifest = JSON.parse(out);
    expect(manifest.layers.map((layer: { digest: string }) => layer.digest)).toEqual(layout.images[0].layers.map((layer) => layer.digest));
  });
});
