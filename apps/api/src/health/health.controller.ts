import { Controller, Get, Header, HttpCode, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { metricsRegistry } from '@cargohold/common';
import { BLOB_STORE, REDIS } from '@cargohold/platform';
import { BlobStore } from '@cargohold/storage';

const CHECK_TIMEOUT_MS = 2000;

/** Liveness, readiness (database, Redis and storage reachable) and Prometheus metrics. */
@Controller()
export class HealthController {
  constructor(
    private readonly db: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(BLOB_STORE) private readonly store: BlobStore,
  ) {}

  @Get('-/health')
  @HttpCode(200)
  health(): { status: string } {
    return { status: 'ok' };
  }

  @Get('-/readiness')
  async readiness(@Res() res: Response): Promise<void> {
    const checks = await Promise.all([
      check('database', () => this.db.query('SELECT 1')),
      check('redis', () => this.redis.ping()),
      check('storage', () => this.store.ping()),
    ]);
    const ready = checks.every((c) => c.status === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ok' : 'failed', checks: Object.fromEntries(checks.map((c) => [c.name, c])) });
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }
}

async function check(name: string, probe: () => Promise<unknown>): Promise<{ name: string; status: 'ok' | 'failed'; message?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS))),
    ]);
    return { name, status: 'ok' };
  } catch (error) {
    return { name, status: 'failed', message: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}
