import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, MaxLength, Min, Max } from 'class-validator';
import { PaginationQuery } from '../rest/pagination';
import { ToBoolean } from '../rest/validation';

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

  @IsOptional() @ToBoolean() @IsBoolean()
  enable_ssl_verification?: boolean;

  @IsOptional() @ToBoolean() @IsBoolean()
  registry_events?: boolean;

  @IsOptional() @IsString() @MaxLength(255)
  push_events_branch_filter?: string;

  @IsOptional() @IsIn(['wildcard', 'regex', 'all_branches'])
  branch_filter_strategy?: string;

  @IsOptional() @IsString() @MaxLength(4096)
  custom_webhook_template?: string;

  @IsOptional() @ToBoolean() @IsBoolean() push_events?: boolean;
  @IsOptional() @ToBoolean() @IsBoolean() issues_events?: boolean;
  @IsOptional() @ToBoolean() @IsBoolean() confidential_issues_events?: boolean;
  @IsOptional() @ToBoolean() @IsBoolean() merge_requests_events?: boolean;
  @IsOptional() @ToBoolean() @IsBoolean() tag_push_events?: boolean;
  @IsOptional() @ToBoolean() @IsBoolean() note_events?: boolean;
  @IsOptional() @ToBoolean() @IsBoolean() confidential_note_events?: boolean;
  @IsOptional() @ToBoolean() @IsBoolean() job_events?: boolean;
  @IsOptional() @ToBoolean() @IsBoolean() pipeline_events?: boolean;
  @IsOptional() @ToBoolean() @IsBoolean() wiki_page_events?: boolean;
  @IsOptional() @ToBoolean() @IsBoolean() deployment_events?: boolean;
  @IsOptional() @ToBoolean() @IsBoolean() feature_flag_events?: boolean;
  @IsOptional() @ToBoolean() @IsBoolean() releases_events?: boolean;
  @IsOptional() @ToBoolean() @IsBoolean() repository_update_events?: boolean;
  @IsOptional() @ToBoolean() @IsBoolean() resource_access_token_events?: boolean;
  @IsOptional() @ToBoolean() @IsBoolean() subgroup_events?: boolean;
  @IsOptional() @ToBoolean() @IsBoolean() member_events?: boolean;
  @IsOptional() @ToBoolean() @IsBoolean() project_events?: boolean;
  @IsOptional() @ToBoolean() @IsBoolean() emoji_events?: boolean;
  @IsOptional() @ToBoolean() @IsBoolean() milestone_events?: boolean;
}

/** GitLab's `status` filter of the events list: a code, or a category. */
export class WebhookEventsQuery extends PaginationQuery {
  @IsOptional() @IsString()
  status?: string;
}

export class ApplicationSettingsDto {
  @IsOptional() @ToBoolean() @IsBoolean()
  allow_local_requests_from_web_hooks_and_services?: boolean;
}

export class WebhookIdParam {
  @Type(() => Number) @IsInt() @Min(1) @Max(Number.MAX_SAFE_INTEGER)
  hook_id!: number;
}
