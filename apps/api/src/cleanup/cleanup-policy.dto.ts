import { Type } from 'class-transformer';
import { IsIn, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { PaginationQuery } from '../rest/pagination';
import { GitlabBoolean, GitlabInteger } from '../rest/validation';

/** GitLab's container_expiration_policy_attributes; allowed values are checked by the domain with their names. */
export class CleanupPolicyAttributesDto {
  @IsOptional() @GitlabBoolean() enabled?: boolean;
  @IsOptional() @IsString() cadence?: string;
  @IsOptional() @GitlabInteger() keep_n?: number | null;
  @IsOptional() @IsString() older_than?: string | null;
  @IsOptional() @IsString() name_regex?: string | null;
  @IsOptional() @IsString() name_regex_delete?: string | null;
  @IsOptional() @IsString() name_regex_keep?: string | null;
  /** Ours (retention by use): an integer from 1 to 100. */
  @IsOptional() @GitlabInteger() keep_n_recently_pulled?: number | null;
  /** Ours: `7d`, `14d`, `30d` or `90d`. */
  @IsOptional() @IsString() keep_pulled_within?: string | null;
}

export class UpdateWithPolicyDto {
  @IsOptional() @IsObject() @ValidateNested() @Type(() => CleanupPolicyAttributesDto)
  container_expiration_policy_attributes?: CleanupPolicyAttributesDto;
}

/**
 * `PUT /projects/:id/registry/repositories/:repository_id`: the policy's attributes flat (the seeds' `--data
 * "keep_n=10"`) or nested under container_expiration_policy_attributes. A class, not an intersection type, so
 * the validation pipe sees it and coerces the fields.
 */
export class RepositoryPolicyDto extends CleanupPolicyAttributesDto {
  @IsOptional() @IsObject() @ValidateNested() @Type(() => CleanupPolicyAttributesDto)
  container_expiration_policy_attributes?: CleanupPolicyAttributesDto;
}

/** `GET .../repositories/:repository_id/cleanup_preview`: the page and filter; the rules come as BulkDeleteTagsDto. */
export class CleanupPreviewQuery extends PaginationQuery {
  /** Only the tags a run would delete, or only those it would keep. */
  @IsOptional() @IsIn(['delete', 'keep'])
  action?: 'delete' | 'keep';
}
