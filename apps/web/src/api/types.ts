/** GitLab REST shapes the UI reads (only the fields it uses). */

export interface SessionUser {
  id: number;
  username: string;
  name: string;
  is_admin: boolean;
}

export interface Session {
  user: SessionUser;
  scopes: string[] | null;
  csrf_token: string;
}

export interface Namespace {
  id: number;
  name: string;
  path: string;
  kind: 'user' | 'group';
  full_path: string;
}

export interface Project {
  id: number;
  name: string;
  name_with_namespace: string;
  path_with_namespace: string;
  description: string | null;
  visibility: 'private' | 'internal' | 'public';
  created_at: string;
  namespace: Namespace;
  container_registry_image_prefix?: string;
  permissions?: { project_access: { access_level: number } | null; group_access?: { access_level: number } | null };
  container_expiration_policy?: ExpirationPolicy | null;
  statistics?: { container_registry_size?: number; storage_size?: number };
  /** Storage limits (ours): the limit in force (`0` none) and the bytes stored, deduplicated. */
  container_registry_storage_effective_limit?: number;
  container_registry_size?: number;
}

export interface Group {
  id: number;
  name: string;
  full_name?: string;
  full_path: string;
  description?: string | null;
  visibility: string;
  /** Storage limits (ours): everything below the group together (`0` none), and what it stores. */
  container_registry_storage_limit?: number | null;
  container_registry_size?: number;
}

export interface Repository {
  id: number;
  name: string;
  path: string;
  project_id: number;
  location: string;
  created_at: string;
  cleanup_policy_started_at?: string | null;
  status?: string | null;
  tags_count?: number;
  size?: number;
  delete_api_path?: string;
}

export interface TagSummary {
  name: string;
  path: string;
  location: string;
  delete_api_path?: string;
  /** Ours (pull statistics): absent on servers without them. */
  last_pulled_at?: string | null;
  pull_count?: number;
}

export interface TagDetails extends TagSummary {
  revision?: string;
  short_revision?: string;
  digest: string;
  created_at: string | null;
  total_size: number | null;
  manifest_last_pulled_at?: string | null;
  manifest_pull_count?: number;
}

export interface Descriptor {
  digest: string;
  media_type: string;
  size: number;
  artifact_type?: string | null;
  annotations?: Record<string, string>;
}

export interface PlatformEntry extends Descriptor {
  platform: { os: string; architecture: string; variant?: string; os_version?: string } | null;
  config: Descriptor | null;
  /** The listed layers: a bounded view may list fewer than `layers_count`. */
  layers: Descriptor[];
  layers_count?: number | null;
  total_size?: number;
  /** False when the server did not read this child (past the view's limits). */
  loaded?: boolean;
}

export interface TagManifest {
  name: string;
  location: string;
  digest: string;
  media_type: string;
  artifact_type?: string;
  size: number;
  total_size: number;
  config: Descriptor | null;
  layers: Descriptor[];
  layers_count?: number;
  manifests_count?: number;
  platforms: PlatformEntry[];
  referrers: Descriptor[];
  /** True when the server cut a list or left children unread (see `limits`). */
  truncated?: boolean;
  limits?: { children: number; descriptors: number; child_manifest_bytes: number; referrers: number };
  subject?: Descriptor;
  annotations?: Record<string, string>;
  pull_command: string;
  pull_by_digest: string;
  can_delete: boolean;
  raw: unknown;
}

export interface ExpirationPolicy {
  cadence: string;
  enabled: boolean;
  keep_n: number | null;
  older_than: string | null;
  name_regex?: string | null;
  name_regex_delete?: string | null;
  name_regex_keep: string | null;
  keep_n_recently_pulled?: number | null;
  keep_pulled_within?: string | null;
  next_run_at?: string | null;
  source?: string;
}

/** `GET …/repositories/:repository_id/cleanup_preview` (ours): what a run would do to each tag now. */
export interface CleanupPreview {
  source: string;
  judged_at: string;
  tags_count: number;
  delete_count: number;
  keep_count: number;
  tags: Array<{ name: string; action: 'delete' | 'keep'; kept_by: string[]; pushed_at: string | null; last_pulled_at: string | null; pull_count: number }>;
}

export interface DeployToken {
  id: number;
  name: string;
  username: string;
  expires_at: string | null;
  scopes: string[];
  revoked?: boolean;
  expired?: boolean;
  token?: string;
}

export interface AccessToken {
  id: number;
  name: string;
  scopes: string[];
  access_level?: number;
  expires_at: string | null;
  active: boolean;
  revoked: boolean;
  created_at: string;
  last_used_at?: string | null;
  token?: string;
}

export interface Webhook {
  id: number;
  url: string;
  name?: string | null;
  enabled_events?: string[];
  push_events?: boolean;
  tag_push_events?: boolean;
  enable_ssl_verification?: boolean;
  created_at?: string;
  [event: string]: unknown;
}

export interface WebhookDelivery {
  id: number;
  url?: string;
  trigger?: string;
  event?: string;
  event_name?: string;
  status?: string;
  attempts?: number;
  last_error?: string | null;
  response_status?: number | string | null;
  execution_duration?: number | null;
  created_at: string;
}

export const AccessLevel = { GUEST: 10, REPORTER: 20, DEVELOPER: 30, MAINTAINER: 40, OWNER: 50 } as const;

export function roleName(level: number): string {
  if (level >= 50) return 'Owner';
  if (level >= 40) return 'Maintainer';
  if (level >= 30) return 'Developer';
  if (level >= 20) return 'Reporter';
  if (level >= 10) return 'Guest';
  return 'No access';
}
