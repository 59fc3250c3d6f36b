import { randomBytes } from 'node:crypto';
import { createTestDatabase, pushBlob, RegistrySession, seedProject, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';

/**
 * A push after the api has been idle must not run V8 into back-to-back full collections (tuneHeapForStreaming,
 * docs/performance.md, fifth session). Without the tuning, a 256 MiB push after 10 s idle ran 6-8 major GCs
 * here; with it, none. Counted with the default Prometheus metrics, not timed.
 */
describe('api heap under a push after idle', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let registry: RegistrySession;
  const repo = 'acme/heap';

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: false });
    registry = new RegistrySession(platform.url, { username: 'root', password: platform.adminToken });
    await seedProject(db, repo);
  });

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
  });

  const majorGcs = async () => {
    const text = await (await fetch(`${platform.url}/metrics`)).text();
    return Number(text.match(/^nodejs_gc_duration_seconds_count\{kind="major"\} (\d+)/m)?.[1] ?? 0);
  };

  it('pushes 256 MiB after 10 s idle with at most a few major collections', async () => {
    await pushBlob(platform.url, repo, randomBytes(256 * 1024 * 1024), registry.fetch); // warm-up: JIT, pools
    const layer = randomBytes(256 * 1024 * 1024);
    // Longer than V8's memory reducer delay (8 s): the heap shrinks, as on a registry between pushes.
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    const before = await majorGcs();

    await pushBlob(platform.url, repo, layer, registry.fetch);

    const during = (await majorGcs()) - before;
    expect(during).toBeLessThanOrEqual(3);
  }, 60_000);
});
