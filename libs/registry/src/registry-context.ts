import { DataSource } from 'typeorm';
import { BlobStore } from '@cargohold/storage';
import { BlobRepository } from './data/blob.repository';
import { ImageRepositoryRepository } from './data/image-repository.repository';
import { ManifestRepository } from './data/manifest.repository';
import { ProjectLookupRepository } from './data/project.repository';
import { TagRepository } from './data/tag.repository';
import { UploadRepository } from './data/upload.repository';
import { ManifestPushReadRepository } from './data/manifest-push-reads';
import { GcRepository } from './gc/gc.repository';
import { QuotaRepository } from './quota/quota.repository';
import { ProtectionRuleRepository } from './protection/protection-rule.repository';
import { ProtectionPatternCache } from './protection/protection-rules';
import { NO_REGISTRY_EVENTS, RegistryEventSink } from './events';
import { ManifestCache, NO_REGISTRY_CHANGES, RegistryChangeNotifier } from './manifest-cache';

export interface RegistrySettings {
  /** Seconds an untagged manifest or unlinked blob waits before garbage collection may delete it. */
  gcReviewDelay: number;
  /** Whether blob and manifest DELETE are allowed through /v2/. */
  deleteEnabled: boolean;
  /** Open upload sessions a project may hold at once (POST uploads beyond it are refused with TOOMANYREQUESTS); 0 or unset: unlimited. */
  maxUploadSessionsPerProject?: number;
}

/**
 * Who hears about the registry's changes, given once when the context is built (the api and the worker build one
 * context per process, in libs/platform RegistryContextModule). Left out: nobody (tests, the CLI).
 */
export interface RegistryListeners {
  /** Told about pushes and deletes (webhooks, audit): records in the change's transaction, publishes after it. */
  events?: RegistryEventSink;
  /**
   * Told after every commit that moves or deletes tags, deletes manifests or stops serving a repository, so
   * manifest caches (this process's at once, other processes' through Redis) forget it.
   */
  changes?: RegistryChangeNotifier;
  /** The process's manifest cache (the api has one); without it every manifest GET reads PostgreSQL. */
  manifestCache?: ManifestCache;
}

/** What the registry services share: the database, the blob store, the data access objects, settings and listeners. */
export class RegistryContext {
  readonly blobs = new BlobRepository();
  readonly repositories = new ImageRepositoryRepository();
  readonly manifests = new ManifestRepository();
  readonly tags = new TagRepository();
  readonly uploads = new UploadRepository();
  readonly projects = new ProjectLookupRepository();
  readonly gc = new GcRepository();
  readonly quotas = new QuotaRepository();
  readonly protectionRules = new ProtectionRuleRepository();
  readonly manifestPushReads = new ManifestPushReadRepository();
  /** RE2 patterns of protection rules, compiled once per process. */
  readonly protectionPatterns = new ProtectionPatternCache();
  readonly events: RegistryEventSink;
  readonly changes: RegistryChangeNotifier;
  readonly manifestCache: ManifestCache | undefined;

  constructor(
    readonly db: DataSource,
    readonly store: BlobStore,
    readonly settings: RegistrySettings,
    listeners: RegistryListeners = {},
  ) {
    this.events = listeners.events ?? NO_REGISTRY_EVENTS;
    this.changes = listeners.changes ?? NO_REGISTRY_CHANGES;
    this.manifestCache = listeners.manifestCache;
  }
}
