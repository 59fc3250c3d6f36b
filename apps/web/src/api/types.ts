import type { components } from './schema';

/**
 * The REST shapes the UI reads, named for the pages: aliases of the types generated from the api's OpenAPI document
 * (schema.d.ts, `pnpm api-types`), so a field the server changes breaks the web build instead of the page.
 */
type Schemas = components['schemas'];

export type Session = Schemas['SessionEntity'];
export type SessionUser = Session['user'];
/** A project as lists give it. */
export type Project = Schemas['ProjectEntity'];
/** GET /projects/:id: with the cleanup policy in force, storage limits and (when asked) statistics. */
export type ProjectDetail = Schemas['ProjectDetailEntity'];
export type Group = Schemas['GroupEntity'];
export type GroupDetail = Schemas['GroupDetailEntity'];
export type Member = Schemas['MemberEntity'];
export type Repository = Schemas['RepositoryEntity'];
export type TagSummary = Schemas['ListedTagEntity'];
export type TagDetails = Schemas['TagDetailsEntity'];
/** How a tag is protected (the most restrictive rules covering it), and why this caller may not push or delete it. */
export type TagProtection = Schemas['TagProtectionEntity'];
/** A protection level of the rules API; null: not restricted (both null: immutable). */
export type ProtectionLevel = NonNullable<TagProtection['minimum_access_level_for_push']>;
export type DeletedTag = Schemas['DeletedTagEntity'];
export type Descriptor = Schemas['DescriptorEntity'];
export type Referrer = Schemas['ReferrerEntity'];
export type PlatformEntry = Schemas['PlatformDetailsEntity'];
export type TagManifest = Schemas['TagManifestEntity'];
export type ExpirationPolicy = Schemas['CleanupPolicyEntity'];
export type CleanupPreview = Schemas['CleanupPreviewEntity'];
export type CleanupRun = Schemas['CleanupRunEntity'];
export type RegistryUsage = Schemas['RegistryUsageEntity'];
export type DeployToken = Schemas['DeployTokenEntity'];
/** A project (or group) access token: a bot's personal access token with its role. */
export type AccessToken = Schemas['ResourceAccessTokenEntity'];
export type PersonalAccessToken = Schemas['PersonalAccessTokenEntity'];
export type Webhook = Schemas['WebhookEntity'];
export type WebhookDelivery = Schemas['WebhookDeliveryEntity'];

export const AccessLevel = { GUEST: 10, REPORTER: 20, DEVELOPER: 30, MAINTAINER: 40, OWNER: 50 } as const;

export function roleName(level: number): string {
  if (level >= 50) return 'Owner';
  if (level >= 40) return 'Maintainer';
  if (level >= 30) return 'Developer';
  if (level >= 20) return 'Reporter';
  if (level >= 10) return 'Guest';
  return 'No access';
}
