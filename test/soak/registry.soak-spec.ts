import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, RegistrySession, seedProject, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';
import { consistencyProblems, OCI_MANIFEST, pushImage } from '../e2e/reliability-support';

const execFileAsync = promisify(execFile);
const CLI = path.resolve(__dirname, '../../apps/cli/dist/main.js');
const SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const CLIENTS = 6;

/**
 * `pnpm test:soak`: SOAK_SECONDS (default 600) of mixed push, pull, tag delete, cleanup and GC from
 * several clients on loopback, each bounded in size; then a full consistency check, and the api's memory at
 * the end compared with the start (after warm-up), to catch leaks that short suites never see. `pnpm test` (and so
 * CI) runs it for 45 s (`test:soak:short`): the same checks, a shorter load.
 */
describe('soak: mixed registry load', () => {
  let db: TestDatabase;
  let platform: TestPlatform;

  const rssKiB = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${platform.api.child.pid}/status`, 'utf8'))![1]);
  const cli = (...args: string[]) => execFileAsync(process.execPath, [CLI, ...args], { env: { ...process.env, ...platform.env }, timeout: 120_000 });

  beforeAll(async () => {
    db = await createTestDatabase('ch_soak');
    // GC reclaims after 10 s (not 0: a blob pushed a moment before its manifest must survive); no pull limits.
    platform = await startPlatform({ databaseUrl: db.url, env: { GC_REVIEW_DELAY: '10', PULL_RATE_LIMIT_AUTHENTICATED: '0', LOG_LEVEL: 'warn' } });
    await seedProject(db, 'soak/app');
  });

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
  });

  it(`stays correct and bounded under ${SECONDS}s of mixed load`, async () => {
    const session = new RegistrySession(platform.url, { username: 'root', password: platform.adminToken });
    const deadline = Date.now() + SECONDS * 1000;
    const failures: string[] = [];
    const counts = { push: 0, pull: 0, delete: 0, gc: 0 };
    let baseline = 0;

    const client = async (id: number) => {
      const repo = `soak/app/c${id}`;
      let round = 0;
      while (Date.now() < deadline) {
        round++;
        try {
          // Bounded: at most 8 live tags per client, layers up to 256 KiB.
          const image = await pushImage(platform.url, repo, `t${round % 8}`, session.fetch, randomBytes(1024 + Math.floor(Math.random() * 256 * 1024)));
          counts.push++;
          const pulled = await session.fetch(`/v2/${repo}/manifests/t${round % 8}`, { headers: { Accept: OCI_MANIFEST } });
          const body = await pulled.text();
          // Only this client writes its repository, so the tag it just pushed must come back byte for byte.
          if (pulled.status !== 200 || body !== image.body) failures.push(`pull ${repo}: ${pulled.status}`);
          const layer = await session.fetch(`/v2/${repo}/blobs/${image.layer}`);
          if (layer.status !== 200) failures.push(`blob ${repo}: ${layer.status}`);
          await layer.arrayBuffer();
          counts.pull++;
          if (round % 3 === 0) {
            const deleted = await session.fetch(`/v2/${repo}/manifests/t${(round + 4) % 8}`, { method: 'DELETE' });
            if (![202, 404].includes(deleted.status)) failures.push(`delete ${repo}: ${deleted.status}`);
            counts.delete++;
          }
        } catch (error) {
          failures.push(`${repo}: ${(error as Error).message}`);
        }
      }
    };
    const maintenance = async () => {
      while (Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 15_000));
        if (baseline === 0) baseline = rssKiB(); // after the first warm-up interval
        try {
          await cli('gc:run');
          counts.gc++;
        } catch (error) {
          failures.push(`gc:run: ${(error as Error).message.slice(0, 300)}`);
        }
      }
    };
    await Promise.all([...Array.from({ length: CLIENTS }, (_, i) => client(i)), maintenance()]);

    // Quiesce, collect once more, then everything must agree.
    await cli('gc:run').catch((error: Error) => failures.push(`final gc:run: ${error.message.slice(0, 300)}`));
    const end = rssKiB();
    const problems = await consistencyProblems(db, platform.dataDir);
    const { stdout } = await cli('storage:check');
    process.stdout.write(`soak: ${JSON.stringify({ seconds: SECONDS, ...counts, rssStartKiB: baseline, rssEndKiB: end, failures: failures.length })}\n`);
    expect(failures.slice(0, 20)).toEqual([]);
    expect(problems).toEqual([]);
    expect(stdout).toMatch(/"ok":true/);
    expect(counts.push).toBeGreaterThan(0);
    // Memory must not keep growing with the number of requests: allow 1.5x the warmed-up size plus 64 MiB.
    if (baseline > 0) expect(end).toBeLessThan(baseline * 1.5 + 64 * 1024);
    expect(platform.api.child.exitCode).toBeNull();
  }, (SECONDS + 300) * 1000);
});
