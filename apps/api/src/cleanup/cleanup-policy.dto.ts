import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';

/** GitLab's container_expiration_policy_attributes; allowed values are checked by the domain with their names. */
export class CleanupPolicyAttributesDto {
  @IsOptional() @IsBoolean() enabled?: boolean;
  @IsOptional() @IsString() cadence?: string;
  @IsOptional() @Type(() => Number) @IsInt() keep_n?: number | null;
  @IsOptional() @IsString() older_than?: string | null;
  @IsOptional() @IsString() name_regex?: string | null;
  @IsOptional() @IsString() name_regex_delete?: string | null;
  @IsOptional() @IsString() name_regex_keep?: string | null;
}

export class UpdateWithPolicyDto {
  @IsOptional() @IsObject() @ValidateNested() @Type(() => CleanupPolicyAttributesDto)
  container_expiration_policy_attributes?: CleanupPolicyAttributesDto;
}
