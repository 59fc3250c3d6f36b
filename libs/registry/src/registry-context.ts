import { DataSource } from 'typeorm';
import { BlobStore } from '@cargohold/storage';
import { BlobRepository } from './data/blob.repository';
import { ImageRepositoryRepository } from './data/image-repository.repository';
import { ManifestRepository } from './data/manifest.repository';
import { ProjectLookupRepository } from './data/project.repository';
import { TagRepository } from './data/tag.repository';
import { UploadRepository } from './data/upload.repository';
import { installedRegistryEventSink, RegistryEventSink } from './events';
import { installedManifestCache, installedRegistryChangeNotifier, ManifestCache, RegistryChangeNotifier } from './manifest-cache';

export interface RegistrySettings {
  /** Seconds an untagged manifest or unlinked blob waits before garbage collection may delete it. */
  gcReviewDelay: number;
  /** Whether blob and manifest DELETE are allowed through /v2/. */
  deleteEnabled: boolean;
  /** Open upload sessions a project may hold at once (POST uploads beyond it are refused with TOOMANYREQUESTS); 0 or unset: unlimited. */
  maxUploadSessionsPerProject?: number;
}

/** What the registry services share: the database, the blob store, the data access objects and settings. */
export class RegistryContext {
  readonly blobs = new BlobRepository();
  readonly repositories = new ImageRepositoryRepository();
  readonly manifests = new ManifestRepository();
  readonly tags = new TagRepository();
  readonly uploads = new UploadRepository();
  readonly projects = new ProjectLookupRepository();
  private ownEvents?: RegistryEventSink;

  constructor(
    readonly db: DataSource,
    readonly store: BlobStore,
    readonly settings: RegistrySettings,
  ) {}

  /**
   * Told about pushes and deletes after they commit (webhooks, audit): this context's own sink if set, else the
   * one installed for the process (installRegistryEventSink), else nobody. Call it only after the commit.
   */
  get events(): RegistryEventSink {
    return this.ownEvents ?? installedRegistryEventSink();
  }

  /** The process's manifest cache (the api installs one), or none: every GET reads PostgreSQL. */
  get manifestCache(): ManifestCache | undefined {
    return installedManifestCache();
  }

  /**
   * Told after every commit that moves or deletes tags, deletes manifests or stops serving a repository, so
   * manifest caches (this process's at once, other processes' through the installed notifier) forget it.
   */
  get changes(): RegistryChangeNotifier {
    return installedRegistryChangeNotifier();
  }

  /** A sink for this context only (tests). */
  useEvents(sink: RegistryEventSink): this {
    this.ownEvents = sink;
    return this;
  }
}
