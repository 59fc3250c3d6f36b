/** Row shapes of the pull-through cache tables (migration CreateContainerVirtualRegistries). */

/** A virtual registry upstream, or a group's dependency proxy (one more upstream whose URL is the configured Docker Hub). */
export type UpstreamKind = 'virtual_registry' | 'dependency_proxy';

export interface VirtualRegistryRow {
  id: number;
  groupId: number;
  name: string;
  description: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface UpstreamRow {
  id: number;
  groupId: number;
  kind: UpstreamKind;
  /** NULL for the dependency proxy: the configured DEPENDENCY_PROXY_UPSTREAM_URL applies. */
  url: string | null;
  name: string;
  description: string;
  cacheValidityHours: number;
  username: string | null;
  /** The password sealed by UpstreamCredentials; never leaves the lib in clear except to the upstream client. */
  passwordSealed: Buffer | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A registry ↔ upstream association; positions are contiguous from 1 within the registry. */
export interface RegistryUpstreamRow {
  id: number;
  registryId: number;
  upstreamId: number;
  position: number;
}

export interface CacheEntryRow {
  upstreamId: number;
  /** `<image>/manifests/<tag or digest>` or `<image>/blobs/<digest>`, image as the upstream names it. */
  relativePath: string;
  /** The content's digest; its bytes are the `blobs` row of that digest in the content-addressed store. */
  digest: string;
  contentType: string;
  size: number;
  upstreamEtag: string | null;
  upstreamCheckedAt: Date;
  createdAt: Date;
  updatedAt: Date;
  downloadedAt: Date;
  downloadsCount: number;
}

export interface DependencyProxySettingsRow {
  groupId: number;
  enabled: boolean;
  ttlPolicyEnabled: boolean;
  ttlDays: number;
}

/** Cache entry paths: what the upstream was asked for, relative to its /v2/. */
export function manifestEntryPath(image: string, reference: string): string {
  return `${image}/manifests/${reference}`;
}

export function blobEntryPath(image: string, digest: string): string {
  return `${image}/blobs/${digest}`;
}
