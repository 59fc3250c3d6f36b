import { createTestDatabase, freePort, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';

/** The worker's Prometheus endpoint: queue depths, job durations, GC and cleanup figures. */
describe('worker metrics', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let port: number;

  beforeAll(async () => {
    db = await createTestDatabase();
    port = await freePort();
    platform = await startPlatform({ databaseUrl: db.url, worker: true, env: { WORKER_METRICS_PORT: String(port) } });
  });

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
  });

  it('serves queue depths per queue and the job metrics on WORKER_METRICS_PORT', async () => {
    let body = '';
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/metrics`);
        body = await response.text();
        if (response.status === 200 && body.includes('cargohold_gc_run_duration_seconds_count')) break;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    for (const queue of ['maintenance', 'registry-deletes', 'cleanup', 'gc', 'webhooks']) {
      expect(body).toMatch(new RegExp(`cargohold_queue_jobs\\{queue="${queue}",state="waiting"\\} \\d+`));
    }
    expect(body).toContain('cargohold_cleanup_job_duration_seconds');
    expect(body).toContain('cargohold_gc_run_duration_seconds_count');
  });
});
