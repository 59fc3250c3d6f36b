import { randomBytes } from 'node:crypto';
import { OCI_MANIFEST, pushBytes, putManifest } from './blob-client';
import { BenchContext } from './scenarios';
import { Target } from './targets';

const CONCURRENCY = 16;
const PUTS = 400;
/** Whole pushes per run in the push figure: each a new 256 KiB layer, the shared config and a manifest. */
const PUSHES = 160;
const LAYER_BYTES = 256 * 1024;

/**
 * Manifest PUT rate with a storage limit in force against none (issue 21: within 10 %). Each PUT stores a new
 * manifest under a new tag (an annotation makes it unique), so every push pays the whole check: the limits up the
 * chain, the top-level lookup by digest and the usage sum. 16 concurrent pushers, one project each way, alternated.
 */
export async function quotaManifestPuts(ctx: BenchContext): Promise<void> {
  const { results, options } = ctx;
  const target = ctx.ours;
  results.define('quota.none', `manifest PUT of new manifests, ${CONCURRENCY} concurrent, no storage limit (${PUTS} PUTs)`, 'req/s');
  results.define('quota.limited', `manifest PUT of new manifests, ${CONCURRENCY} concurrent, project storage limit set (${PUTS} PUTs)`, 'req/s');
  const token = target.creds!.split(':')[1];
  const limited = await createProject(target, token, 'quota-bench', 100 * 1024 ** 3);
  const unlimited = await createProject(target, token, 'plain-bench', 0);
  const images = new Map<string, BaseImage>();
  for (const name of [limited, unlimited]) images.set(name, await pushBase(target, `${name}/app`));
  for (let run = 0; run < options.runs; run++) {
    for (const [name, key] of [[unlimited, 'quota.none'], [limited, 'quota.limited']] as const) {
      results.add(key, 'cargohold', await timeNewManifestPuts(target, `${name}/app`, images.get(name)!, run, PUTS, CONCURRENCY));
    }
  }
  await quotaWholePushes(ctx, images, limited, unlimited);
  for (const key of ['quota.none', 'quota.limited', 'quota.push.none', 'quota.push.limited']) {
    const figure = results.figures.get(key)!;
    ctx.log(`${figure.label}: ${results.value(key, 'cargohold')!.toFixed(1)} ${figure.unit}`);
  }
}

/**
 * `puts` manifest PUTs, `concurrency` at once, each a new manifest (an annotation makes it unique) under a new tag
 * `r<run>-<n>`; answers PUTs per second.
 */
export async function timeNewManifestPuts(target: Target, repo: string, image: BaseImage, run: number, puts: number, concurrency: number): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < puts) {
        const i = next++;
        const manifest = JSON.stringify({
          schemaVersion: 2,
          mediaType: OCI_MANIFEST,
          config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: image.config, size: image.configSize },
          layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: image.layer, size: image.layerSize }],
          annotations: { run: String(run), n: String(i), nonce: randomBytes(4).toString('hex') },
        });
        await putManifest(target, repo, `r${run}-${i}`, manifest);
      }
    }),
  );
  return puts / (Number(process.hrtime.bigint() - started) / 1e9);
}

/**
 * 16 concurrent whole pushes (a new layer each, so the usage grows and every blob upload and manifest PUT pays the
 * check) into one project with a limit against one without (issue 21: at least 90 % of the throughput).
 */
async function quotaWholePushes(ctx: BenchContext, images: Map<string, BaseImage>, limited: string, unlimited: string): Promise<void> {
  const { results, options } = ctx;
  const target = ctx.ours;
  results.define('quota.push.none', `whole pushes (new ${LAYER_BYTES / 1024} KiB layer + manifest), ${CONCURRENCY} concurrent, no storage limit (${PUSHES} pushes)`, 'pushes/s');
  results.define('quota.push.limited', `whole pushes (new ${LAYER_BYTES / 1024} KiB layer + manifest), ${CONCURRENCY} concurrent, project storage limit set (${PUSHES} pushes)`, 'pushes/s');
  for (let run = 0; run < options.runs; run++) {
    for (const [name, key] of [[unlimited, 'quota.push.none'], [limited, 'quota.push.limited']] as const) {
      const image = images.get(name)!;
      const repo = `${name}/app`;
      let next = 0;
      const started = process.hrtime.bigint();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < PUSHES) {
            const i = next++;
            const layerBytes = randomBytes(LAYER_BYTES);
            const layer = await pushBytes(target, repo, layerBytes);
            const manifest = JSON.stringify({
              schemaVersion: 2,
              mediaType: OCI_MANIFEST,
              config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: image.config, size: image.configSize },
              layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layer, size: layerBytes.length }],
            });
            await putManifest(target, repo, `push${run}-${i}`, manifest);
          }
        }),
      );
      results.add(key, 'cargohold', PUSHES / (Number(process.hrtime.bigint() - started) / 1e9));
    }
  }
}

/** A project in the administrator's namespace, with `limit` bytes (0: none) set through REST as an administrator would. */
export async function createProject(target: Target, token: string, path: string, limit: number): Promise<string> {
  const headers = { 'PRIVATE-TOKEN': token, 'Content-Type': 'application/json' };
  const created = await fetch(`${target.url}/api/v4/projects`, { method: 'POST', headers, body: JSON.stringify({ name: path, path }) });
  if (created.status !== 201) throw new Error(`creating project ${path}: ${created.status} ${await created.text()}`);
  const project = (await created.json()) as { id: number; path_with_namespace: string };
  const updated = await fetch(`${target.url}/api/v4/projects/${project.id}`, { method: 'PUT', headers, body: JSON.stringify({ container_registry_storage_limit: limit }) });
  if (updated.status !== 200) throw new Error(`setting the limit of ${path}: ${updated.status} ${await updated.text()}`);
  return project.path_with_namespace;
}

export interface BaseImage {
  config: string;
  layer: string;
  configSize: number;
  layerSize: number;
}

export async function pushBase(target: Target, repo: string): Promise<BaseImage> {
  const layerBytes = randomBytes(4096);
  const configBytes = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
  const layer = await pushBytes(target, repo, layerBytes);
  const config = await pushBytes(target, repo, configBytes);
  return { config, layer, configSize: configBytes.length, layerSize: layerBytes.length };
}
