import { promises as fs } from 'node:fs';
import { createLogger, Logger, serviceStopDeadlineMs, withMallocEnv } from '@cargohold/common';
import { AppConfig, childProcessEnv, ConfigError, loadConfig } from '@cargohold/config';
import { runMigrations } from '@cargohold/db';
import { checkPostgres, checkRedis, EmbeddedServers, resolveBackends } from './backends';
import { Mode, MODES, parseMode, servicesFor } from './modes';
import { ServiceSupervisor, SupervisorReports } from './service-supervisor';
import { StopSignals } from './signals';
import { describeError, StartupError } from './startup-error';

/**
 * The process behind `pnpm start` (all), `pnpm start:api`, `pnpm start:worker` and `pnpm migrate`:
 * validate the configuration, start embedded PostgreSQL/Redis for the URLs left unset, check both are
 * reachable, migrate once, then run the API and/or worker processes until a signal, restarting a crashed
 * one with backoff.
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
    ...withMallocEnv(childProcessEnv()),
    DATA_DIR: config.dataDir,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    CARGOHOLD_MIGRATED: '1',
    // The services write to our stdout: they log in the format decided here (terminal or not, or LOG_FORMAT).
    LOG_FORMAT: config.log.format,
  };
  // Longer than a service takes to stop by itself (drain or jobs in hand, then closing), so SIGKILL is for hung ones.
  const stopTimeoutMs = serviceStopDeadlineMs(config.shutdownGraceMs) + 5_000;
  const reports = supervisorReports(logger);
  const supervisors: ServiceSupervisor[] = services.map(
    (service) =>
      new ServiceSupervisor(service, env, {
        ...reports,
        started: (...args) => {
          reports.started(...args);
          // Every (re)start: the embedded servers' keepers must know whom to let finish first should we die.
          const pids = supervisors.flatMap((supervisor) => (supervisor.pid === undefined ? [] : [supervisor.pid]));
          embedded.setDependents(pids, stopTimeoutMs);
        },
      }),
  );
  for (const supervisor of supervisors) supervisor.start();

  const signal = await signals.received;
  logger.info({ signal }, 'stopping');
  await Promise.all(supervisors.map((supervisor) => supervisor.stop(stopTimeoutMs)));
  return 0;
}

function supervisorReports(logger: Logger): SupervisorReports {
  return {
    started: (service, pid, restarts) => logger.info({ pid, service, restarts }, restarts ? `${service} restarted` : `${service} started`),
    crashed: (service, exit, ranForMs, restartInMs, attempt) => {
      const how = exit.signal ? `killed by ${exit.signal}` : `exited with code ${exit.code}`;
      logger.error(
        { service, code: exit.code, signal: exit.signal, ranForMs, restartInMs, attempt },
        `${service} ${how} after ${formatSeconds(ranForMs)}, restarting in ${formatSeconds(restartInMs)} (crash ${attempt} in a row)`,
      );
    },
    forceKilled: (service) => logger.warn({ service }, `${service} did not stop in time, killed`),
  };
}

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

main(process.argv).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`launcher failed: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
