import { Type } from 'class-transformer';
import { ArrayNotEmpty, IsDate, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { DEPLOY_TOKEN_SCOPES, MEMBER_ACCESS_LEVELS, RESOURCE_TOKEN_SCOPES, TOKEN_SCOPES } from '@cargohold/iam';
import { PaginationQuery } from '../../rest/pagination';
import { GitlabBoolean, GitlabInteger, GitlabStringArray } from '../../rest/validation';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class CreatePersonalAccessTokenDto {
  @IsString() @MinLength(1) @MaxLength(255)
  name!: string;

  @GitlabStringArray() @ArrayNotEmpty() @IsIn(TOKEN_SCOPES, { each: true })
  scopes!: string[];

  @IsOptional() @Matches(DATE)
  expires_at?: string;

  @IsOptional() @IsString() @MaxLength(255)
  description?: string;
}

export class ListPersonalAccessTokensQuery extends PaginationQuery {
  @IsOptional() @GitlabInteger()
  user_id?: number;

  @IsOptional() @IsIn(['active', 'inactive'])
  state?: 'active' | 'inactive';

  @IsOptional() @GitlabBoolean()
  revoked?: boolean;

  @IsOptional() @IsString() @MaxLength(255)
  search?: string;
}

export class CreateResourceAccessTokenDto {
  @IsString() @MinLength(1) @MaxLength(255)
  name!: string;

  @GitlabStringArray() @ArrayNotEmpty() @IsIn(RESOURCE_TOKEN_SCOPES, { each: true })
  scopes!: string[];

  @IsOptional() @GitlabInteger() @IsIn(MEMBER_ACCESS_LEVELS)
  access_level?: number;

  @IsOptional() @Matches(DATE)
  expires_at?: string;

  @IsOptional() @IsString() @MaxLength(255)
  description?: string;
}

export class CreateDeployTokenDto {
  @IsString() @MinLength(1) @MaxLength(255)
  name!: string;

  @GitlabStringArray() @ArrayNotEmpty() @IsIn(DEPLOY_TOKEN_SCOPES, { each: true })
  scopes!: string[];

  /** ISO 8601 date-time (or date). */
  @IsOptional() @Type(() => Date) @IsDate()
  expires_at?: Date;

  @IsOptional() @IsString() @MaxLength(255)
  username?: string;
}

export class ListDeployTokensQuery extends PaginationQuery {
  @IsOptional() @GitlabBoolean()
  active?: boolean;
}

/** Token rotation: GitLab's optional `expires_at` (YYYY-MM-DD; one week when absent). */
export class RotateTokenDto {
  @IsOptional() @Matches(DATE)
  expires_at?: string;
}
