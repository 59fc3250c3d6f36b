import autocannon from 'autocannon';
import { DOCKER_ACCEPT } from './blob-client';
import { median } from './results';
import { cpuMs } from './process-usage';
import { BenchContext, pushSmallImage } from './scenarios';
import { BENCH_PROJECT, startCargohold, Target } from './targets';

const BURST_SECONDS = 3;

/**
 * Manifest GET by tag with pull statistics on against the same build with them off (issue 21: within 5 %).
 * Two cargohold apis run side by side, one with `PULL_STATISTICS_FLUSH_INTERVAL=0`; short bursts of the same
 * 32-connection load alternate between them in ABBA order, and each pair gives one ratio. Pairing within seconds
 * is what lets the figure survive a machine whose load changes by the minute: separate runs minutes apart cannot
 * resolve 5 %. Reported: the median of the per-pair ratios of requests/s and of api CPU time per request.
 */
export async function pullStatisticsCost(ctx: BenchContext, pinned: boolean, apiEnv: Record<string, string>): Promise<void> {
  const { results, options } = ctx;
  const pairs = Math.max(6, options.runs * 6);
  // Two fresh apis, not the run's own: one that earlier groups loaded with thousands of pushes would carry a
  // bigger heap and a busier worker into the comparison.
  const on = await startCargohold(pinned, apiEnv);
  const off = await startCargohold(pinned, { ...apiEnv, PULL_STATISTICS_FLUSH_INTERVAL: '0' });
  const name = `${BENCH_PROJECT}/pulls`;
  results.define('pullstats.on', `manifest GET by tag, pull statistics on, ${BURST_SECONDS} s bursts (${pairs} pairs)`, 'req/s');
  results.define('pullstats.off', `manifest GET by tag, pull statistics off, ${BURST_SECONDS} s bursts (${pairs} pairs)`, 'req/s');
  results.define('pullstats.rps_ratio', 'pull statistics on/off: requests/s, median of per-pair ratios', 'x');
  results.define('pullstats.cpu_ratio', 'pull statistics on/off: api CPU per request, median of per-pair ratios', 'x', { higherIsBetter: false });
  const burst = async (target: Target) => {
    const headers = { ...(await target.auth(`repository:${name}:pull`)), accept: DOCKER_ACCEPT };
    const cpuBefore = cpuMs(target.pid);
    const result = await autocannon({ url: `${target.url}/v2/${name}/manifests/latest`, connections: 32, duration: BURST_SECONDS, headers });
    const cpuAfter = cpuMs(target.pid);
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`pull statistics load on ${target.url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
    const rps = result.requests.total / result.duration;
    const cpuPerRequest = cpuBefore === undefined || cpuAfter === undefined ? NaN : (cpuAfter - cpuBefore) / result.requests.total;
    return { rps, cpuPerRequest };
  };
  for (const target of [on, off]) {
    await pushSmallImage(target, name, 'latest');
    await burst(target); // warm-up (JIT, pools, caches); not recorded
  }
  const rpsRatios: number[] = [];
  const cpuRatios: number[] = [];
  for (let pair = 0; pair < pairs; pair++) {
    // ABBA: neither side always runs first, so a drift in the machine's load cancels out.
    const first = pair % 2 === 0 ? on : off;
    const a = await burst(first);
    const b = await burst(first === on ? off : on);
    const [withStats, without] = first === on ? [a, b] : [b, a];
    results.add('pullstats.on', 'cargohold', withStats.rps);
    results.add('pullstats.off', 'cargohold', without.rps);
    rpsRatios.push(withStats.rps / without.rps);
    if (Number.isFinite(withStats.cpuPerRequest) && Number.isFinite(without.cpuPerRequest) && without.cpuPerRequest > 0) {
      cpuRatios.push(withStats.cpuPerRequest / without.cpuPerRequest);
    }
  }
  results.add('pullstats.rps_ratio', 'cargohold', median(rpsRatios));
  if (cpuRatios.length > 0) results.add('pullstats.cpu_ratio', 'cargohold', median(cpuRatios));
  ctx.log(
    `pull statistics on/off: req/s ratio ${median(rpsRatios).toFixed(3)} (pairs: ${rpsRatios.map((r) => r.toFixed(2)).join(' ')}); ` +
      `CPU per request ratio ${cpuRatios.length ? median(cpuRatios).toFixed(3) : 'n/a'}`,
  );
}
