import { promises as fs } from 'node:fs';
import { createLogger, Logger, withMallocEnv } from '@cargohold/common';
import { AppConfig, ConfigError, loadConfig } from '@cargohold/config';
import { runMigrations } from '@cargohold/db';
import { checkPostgres, checkRedis, EmbeddedServers, resolveBackends } from './backends';
import { firstExit, ServiceProcess, startService, stopServices } from './children';
import { Mode, MODES, parseMode, servicesFor } from './modes';
import { StopSignals } from './signals';
import { describeError, StartupError } from './startup-error';

/**
 * The process behind `pnpm start` (all), `pnpm start:api`, `pnpm start:worker` and `pnpm migrate`:
 * validate the configuration, start embedded PostgreSQL/Redis for the URLs left unset, check both are
 * reachable, migrate once, then run and supervise the API and/or worker processes until a signal.
 */
async function main(argv: string[]): Promise<number> {
  const mode = parseMode(argv[2]);
  if (!mode) {
    process.stderr.write(`usage: main.js <${MODES.join('|')}> (got "${argv[2]}")\n`);
    return 1;
  }

  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }

  const logger = createLogger({ level: config.log.level, format: config.log.format, component: 'launcher' });
  // Installed before anything starts, so a Ctrl-C during startup still stops what was started.
  const signals = new StopSignals((signal) => logger.info({ signal }, 'already stopping'));
  const embedded = new EmbeddedServers();
  const stopEmbedded = () =>
    embedded.stopAll((name, error) => logger.error({ err: describeError(error) }, `embedded ${name} did not stop cleanly`));

  try {
    const code = await run(mode, config, logger, signals, embedded);
    await stopEmbedded();
    logger.info({ code }, 'launcher stopped');
    return code;
  } catch (error) {
    // User-fixable problems are one line on stderr; anything else is a bug worth its stack.
    const line = error instanceof StartupError ? error.message : `launcher failed: ${(error as Error)?.stack ?? String(error)}`;
    process.stderr.write(`${line}\n`);
    await stopEmbedded();
    return 1;
  } finally {
    signals.dispose();
  }
}

async function run(mode: Mode, config: AppConfig, logger: Logger, signals: StopSignals, embedded: EmbeddedServers): Promise<number> {
  const services = servicesFor(mode);
  // Before anything starts: a missing build is the most likely mistake when running main.js by hand.
  for (const service of services) {
    if (!(await fs.stat(service.script).catch(() => undefined))) {
      throw new StartupError(`${service.script} is missing: build first (pnpm build)`);
    }
  }

  const stopRequested = () => {
    if (signals.stopRequested) logger.info({ signal: signals.stopRequested }, 'stopping before the services start');
    return signals.stopRequested !== undefined;
  };
  const { databaseUrl, redisUrl } = await resolveBackends(config, embedded, (msg) => logger.info(msg));
  if (stopRequested()) return 0;
  await checkRedis(redisUrl);
  await checkPostgres(databaseUrl);

  // Migrating here once (under runMigrations' advisory lock) means API and worker replicas never race on it;
  // CARGOHOLD_MIGRATED tells them it is done.
  let applied: string[];
  try {
    applied = await runMigrations(databaseUrl);
  } catch (error) {
    throw new StartupError(`migrations failed: ${describeError(error)}`);
  }
  logger.info({ applied }, applied.length ? `applied ${applied.length} migration(s)` : 'database schema is up to date');
  if (mode === 'migrate' || stopRequested()) return 0;

  const env: NodeJS.ProcessEnv = {
    ...withMallocEnv(process.env),
    DATA_DIR: config.dataDir,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    CARGOHOLD_MIGRATED: '1',
  };
  const children: ServiceProcess[] = services.map((service) => startService(service, env));
  for (const child of children) logger.info({ pid: child.process.pid, service: child.name }, `${child.name} started`);

  const outcome = await Promise.race([
    signals.received.then((signal) => ({ signal }) as const),
    firstExit(children).then((exited) => ({ exited }) as const),
  ]);
  let code: number;
  if ('signal' in outcome) {
    logger.info({ signal: outcome.signal }, 'stopping');
    code = 0;
  } else {
    const { child, exit } = outcome.exited;
    logger.error({ service: child.name, code: exit.code, signal: exit.signal }, `${child.name} exited unexpectedly, stopping everything`);
    code = 1;
  }
  await stopServices(children, (name) => logger.warn(`${name} did not stop in time, killed`));
  return code;
}

main(process.argv).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`launcher failed: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
