import { IsIn, IsOptional, IsString, MaxLength, Min, Max } from 'class-validator';
import { PaginationQuery } from '../rest/pagination';
import { GitlabBoolean, GitlabInteger } from '../rest/validation';
import { StorageLimitBytes } from '../storage-limits/storage-limit.dto';

/**
 * GitLab's event flags besides `registry_events`: accepted and stored so GitLab clients and Terraform providers
 * round-trip them, but nothing here triggers them (there is no git).
 */
export const GITLAB_HOOK_FLAGS = [
  'push_events',
  'issues_events',
  'confidential_issues_events',
  'merge_requests_events',
  'tag_push_events',
  'note_events',
  'confidential_note_events',
  'job_events',
  'pipeline_events',
  'wiki_page_events',
  'deployment_events',
  'feature_flag_events',
  'releases_events',
  'repository_update_events',
  'resource_access_token_events',
  'subgroup_events',
  'member_events',
  'project_events',
  'emoji_events',
  'milestone_events',
] as const;

/** Every hook attribute of POST and PUT; `url` is required on POST only (checked by the controller). */
export class WebhookBodyDto {
  @IsOptional() @IsString() @MaxLength(2048)
  url?: string;

  @IsOptional() @IsString() @MaxLength(255)
  name?: string;

  @IsOptional() @IsString() @MaxLength(2048)
  description?: string;

  /** Secret sent as X-Gitlab-Token and used to sign bodies; never returned. */
  @IsOptional() @IsString() @MaxLength(255)
  token?: string;

  @IsOptional() @GitlabBoolean()
  enable_ssl_verification?: boolean;

  @IsOptional() @GitlabBoolean()
  registry_events?: boolean;

  @IsOptional() @IsString() @MaxLength(255)
  push_events_branch_filter?: string;

  @IsOptional() @IsIn(['wildcard', 'regex', 'all_branches'])
  branch_filter_strategy?: string;

  @IsOptional() @IsString() @MaxLength(4096)
  custom_webhook_template?: string;

  @IsOptional() @GitlabBoolean() push_events?: boolean;
  @IsOptional() @GitlabBoolean() issues_events?: boolean;
  @IsOptional() @GitlabBoolean() confidential_issues_events?: boolean;
  @IsOptional() @GitlabBoolean() merge_requests_events?: boolean;
  @IsOptional() @GitlabBoolean() tag_push_events?: boolean;
  @IsOptional() @GitlabBoolean() note_events?: boolean;
  @IsOptional() @GitlabBoolean() confidential_note_events?: boolean;
  @IsOptional() @GitlabBoolean() job_events?: boolean;
  @IsOptional() @GitlabBoolean() pipeline_events?: boolean;
  @IsOptional() @GitlabBoolean() wiki_page_events?: boolean;
  @IsOptional() @GitlabBoolean() deployment_events?: boolean;
  @IsOptional() @GitlabBoolean() feature_flag_events?: boolean;
  @IsOptional() @GitlabBoolean() releases_events?: boolean;
  @IsOptional() @GitlabBoolean() repository_update_events?: boolean;
  @IsOptional() @GitlabBoolean() resource_access_token_events?: boolean;
  @IsOptional() @GitlabBoolean() subgroup_events?: boolean;
  @IsOptional() @GitlabBoolean() member_events?: boolean;
  @IsOptional() @GitlabBoolean() project_events?: boolean;
  @IsOptional() @GitlabBoolean() emoji_events?: boolean;
  @IsOptional() @GitlabBoolean() milestone_events?: boolean;
}

/** GitLab's `status` filter of the events list: a code, or a category. */
export class WebhookEventsQuery extends PaginationQuery {
  @IsOptional() @IsString()
  status?: string;
}

export class ApplicationSettingsDto {
  @IsOptional() @GitlabBoolean()
  allow_local_requests_from_web_hooks_and_services?: boolean;

  /** The instance default registry storage limit per project, bytes; 0: none. */
  @StorageLimitBytes()
  container_registry_storage_limit?: number;
}

export class WebhookIdParam {
  @GitlabInteger() @Min(1) @Max(Number.MAX_SAFE_INTEGER)
  hook_id!: number;
}
