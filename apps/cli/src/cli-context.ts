import { AppConfig } from '@cargohold/config';
import { createDataSource, DataSource, isConnectionError, runMigrations } from '@cargohold/db';
import { DEFAULT_JOB_TIMEOUT_SECONDS, IamContext, IamServices } from '@cargohold/iam';
import { connectRegistryChangePublisher } from '@cargohold/platform';
import { RegistryContext } from '@cargohold/registry';
import { createBlobStore } from '@cargohold/storage';
import { DatabaseUnavailableError, resolveDatabaseUrl } from './database-url';

/**
 * What commands share. The database is connected on first use (after applying pending migrations, as the
 * platform does on start), so commands that need no database start instantly.
 */
export class CliContext {
  private dataSource?: DataSource;
  private iamServices?: IamServices;

  constructor(
    readonly config: AppConfig,
    /** Where command output goes (stdout); only results, never progress chatter. */
    readonly print: (line: string) => void,
  ) {}

  async database(): Promise<DataSource> {
    if (this.dataSource) return this.dataSource;
    const { url, embedded } = resolveDatabaseUrl(this.config);
    try {
      await runMigrations(url);
      this.dataSource = await createDataSource(url, { poolSize: 4, applicationName: 'cargohold-cli' }).initialize();
    } catch (error) {
      if (isConnectionError(error)) {
        throw new DatabaseUnavailableError(
          embedded
            ? 'cannot reach the embedded PostgreSQL: start the platform (pnpm start) or set DATABASE_URL'
            : `cannot reach PostgreSQL at DATABASE_URL: ${(error as Error).message}`,
        );
      }
      throw error;
    }
    return this.dataSource;
  }

  async iam(): Promise<IamServices> {
    this.iamServices ??= new IamServices(
      new IamContext(await this.database(), { publicUrl: this.config.publicUrl, jobTimeoutSeconds: DEFAULT_JOB_TIMEOUT_SECONDS, dataDir: this.config.dataDir }),
    );
    return this.iamServices;
  }

  /**
   * Runs `work` on a registry context of this process. Its changes (tags and manifests deleted) are announced on
   * Redis so the api replicas' manifest caches forget them; without Redis, their TTL does.
   */
  async withRegistry<T>(work: (registry: RegistryContext) => Promise<T>): Promise<T> {
    const changes = await connectRegistryChangePublisher(this.config.redisUrl, this.config.redisPrefix, {
      warn: (details: object, message: string) => process.stderr.write(`${message}: ${(details as { err?: Error }).err?.message ?? ''}\n`),
    });
    try {
      const settings = { gcReviewDelay: this.config.gcReviewDelay, deleteEnabled: this.config.deleteEnabled };
      return await work(new RegistryContext(await this.database(), createBlobStore(this.config.storage), settings, { changes: changes?.notifier }));
    } finally {
      await changes?.close();
    }
  }

  async close(): Promise<void> {
    if (this.dataSource?.isInitialized) await this.dataSource.destroy();
  }
}
