import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { metricsRegistry } from '@cargohold/common';
import { AppConfig } from '@cargohold/config';
import { execute } from '@cargohold/db';
import { APP_CONFIG, BLOB_STORE, REDIS } from '@cargohold/platform';
import { BlobStore } from '@cargohold/storage';
import { DrainState } from './drain-state';

const CHECK_TIMEOUT_MS = 2000;

/** Liveness, readiness (database, Redis and storage reachable) and Prometheus metrics. */
@Controller()
export class HealthController {
  constructor(
    private readonly db: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly drain: DrainState,
  ) {}

  @Get('-/health')
  @HttpCode(200)
  health(): { status: string } {
    return { status: 'ok' };
  }

  @Get('-/readiness')
  async readiness(@Res() res: Response): Promise<void> {
    if (this.drain.isDraining) {
      res.status(503).json({ status: 'draining', checks: {} });
      return;
    }
    const checks = await Promise.all([
      check('database', () => execute(this.db, 'SELECT 1')),
      check('redis', () => this.redis.ping()),
      check('storage', () => this.store.ping()),
    ]);
    const ready = checks.every((c) => c.status === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ok' : 'failed', checks: Object.fromEntries(checks.map((c) => [c.name, c])) });
  }

  /** On the main port unless METRICS_PORT moves it to its own listener (http/metrics-listener.ts). */
  @Get('metrics')
  async metrics(@Res() res: Response): Promise<void> {
    if (this.config.metricsPort !== undefined) {
      res.status(404).json({ message: '404 Not Found' });
      return;
    }
    res.setHeader('Content-Type', 'text/plain; version=0.0.4');
    res.status(200).send(await metricsRegistry.metrics());
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
