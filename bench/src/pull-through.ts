import { randomBytes } from 'node:crypto';
import { call, expectStatus, pullLayer, pushLayer } from './blob-client';
import { rate } from './limits';
import { LayerFamily, MiB } from './payload';
import { BenchContext } from './scenarios';
import { BENCH_PROJECT, Target } from './targets';

/** The repository the layers live in, in cargohold's bench project and in distribution (the upstream). */
const IMAGE = 'upstream/big';
const PROJECT_REPO = `${BENCH_PROJECT}/pull-through`;
const SIZE_MIB = 256;
const nonce = randomBytes(4).toString('hex');

/**
 * Issue 20's pull-through figures, with the bench's distribution as the virtual registry's only upstream:
 * - cached: a 256 MiB layer already in the cache, pulled through the virtual registry, against the same layer
 *   pulled from a project (the same stored bytes; what the cache adds is its lookups);
 * - cold: a layer the cache has never seen, pulled through the virtual registry (fetched from distribution,
 *   hashed and written into the store while streamed to the client), against the same layer pulled straight from
 *   distribution. Every run pulls a new layer, so no run finds the previous one's bytes.
 * Every pull is verified (sha256) by the client, as docker does.
 */
export async function pullThroughPulls(ctx: BenchContext): Promise<void> {
  const { results, options, ours, distribution } = ctx;
  const registryId = await createVirtualRegistry(ours, distribution.url);
  const virtualName = `virtual_registries/container/${registryId}/${IMAGE}`;
  const project = 'pullthrough.project.256';
  const cached = 'pullthrough.cached.256';
  const cold = 'pullthrough.cold.256';
  results.define(project, `blob pull from a project, ${SIZE_MIB} MiB (distribution: the same layer from it)`, 'MB/s', { limitOf: 'limit.sha256' });
  results.define(cached, `cached pull through a virtual registry, ${SIZE_MIB} MiB (distribution: the same layer from it)`, 'MB/s', {
    limitOf: 'limit.sha256',
    note: 'target: ≥ 0.95x the project pull of the same layer in the same run',
  });
  results.define(cold, `cold pull through a virtual registry, ${SIZE_MIB} MiB (distribution: the upstream pulled directly)`, 'MB/s', { limitOf: 'limit.sha256' });

  // The cached layer: pushed into distribution (the upstream) and into a project of ours, then pulled once
  // through the virtual registry (untimed), which records the cache entry for the bytes the store already has.
  const layer = new LayerFamily(SIZE_MIB * MiB).variant(`${nonce}-pull-through-cached`);
  await pushLayer(distribution, IMAGE, layer, 'monolithic', options.chunkSize);
  await pushLayer(ours, PROJECT_REPO, layer, 'monolithic', options.chunkSize);
  await pullLayer(ours, virtualName, layer, true);
  for (let run = 0; run < options.runs; run++) {
    // Alternated, so drift hits every path alike.
    for (const [id, target, name] of [
      [project, ours, PROJECT_REPO],
      [cached, ours, virtualName],
      [project, distribution, IMAGE],
    ] as const) {
      const started = process.hrtime.bigint();
      await pullLayer(target, name, layer, true);
      results.add(id, target.key, rate(layer.size, started));
    }
    results.add(cached, 'distribution', results.figures.get(project)!.samples.distribution!.at(-1)!);
  }
  ctx.log(`pull-through cached ${fmt(results.value(cached, 'cargohold'))} MB/s vs project ${fmt(results.value(project, 'cargohold'))} MB/s`);

  for (let run = 0; run < options.runs; run++) {
    const fresh = new LayerFamily(SIZE_MIB * MiB).variant(`${nonce}-pull-through-cold-${run}`);
    await pushLayer(distribution, IMAGE, fresh, 'monolithic', options.chunkSize);
    // Straight from the upstream first: both pulls then read a file distribution has just read or written.
    let started = process.hrtime.bigint();
    await pullLayer(distribution, IMAGE, fresh, true);
    results.add(cold, 'distribution', rate(fresh.size, started));
    started = process.hrtime.bigint();
    await pullLayer(ours, virtualName, fresh, true);
    results.add(cold, 'cargohold', rate(fresh.size, started));
  }
  ctx.log(`pull-through cold ${fmt(results.value(cold, 'cargohold'))} MB/s vs upstream directly ${fmt(results.value(cold, 'distribution'))} MB/s`);
}

function fmt(value: number | undefined): string {
  return value === undefined ? 'n/a' : value.toFixed(0);
}

/**
 * A group with a virtual registry whose upstream is `upstreamUrl`, through the REST API as an administrator
 * would set it up. The upstream is on loopback, which the instance refuses unless local requests are allowed.
 */
async function createVirtualRegistry(ours: Target, upstreamUrl: string): Promise<number> {
  const token = ours.creds!.slice(ours.creds!.indexOf(':') + 1);
  const rest = async (method: string, path: string, body: unknown, expected: number) => {
    const response = await call(method, `${ours.url}/api/v4${path}`, { 'private-token': token, 'content-type': 'application/json' }, JSON.stringify(body));
    await expectStatus(response, expected, `${method} ${path}`);
    return (await response.body.json()) as { id: number };
  };
  await rest('PUT', '/application/settings', { allow_local_requests_from_web_hooks_and_services: true }, 200);
  const group = await rest('POST', '/groups', { name: `pull-through-${nonce}`, path: `pull-through-${nonce}` }, 201);
  const registry = await rest('POST', `/groups/${group.id}/-/virtual_registries/container/registries`, { name: 'bench' }, 201);
  await rest('POST', `/virtual_registries/container/registries/${registry.id}/upstreams`, { url: upstreamUrl, name: 'distribution' }, 201);
  return registry.id;
}
