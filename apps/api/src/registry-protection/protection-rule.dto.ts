import { IsOptional, IsString } from 'class-validator';

/**
 * A protection rule's fields as GitLab takes them (JSON, form or query). Levels are checked by
 * protection-rule-params.ts, which knows GitLab's wording; `""` unsets a level on PATCH.
 */
export class TagRuleDto {
  @IsOptional() @IsString() tag_name_pattern?: string;
  @IsOptional() @IsString() minimum_access_level_for_push?: string | null;
  @IsOptional() @IsString() minimum_access_level_for_delete?: string | null;
}

export class RepositoryRuleDto {
  @IsOptional() @IsString() repository_path_pattern?: string;
  @IsOptional() @IsString() minimum_access_level_for_push?: string | null;
  @IsOptional() @IsString() minimum_access_level_for_delete?: string | null;
}
