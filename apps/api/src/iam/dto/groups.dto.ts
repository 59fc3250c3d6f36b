import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { VISIBILITIES, Visibility } from '@cargohold/iam';
import { PaginationQuery } from '../../rest/pagination';
import { GitlabBoolean, GitlabInteger } from '../../rest/validation';

export class CreateGroupDto {
  @IsString() @MinLength(1) @MaxLength(255)
  name!: string;

  @IsString() @MinLength(1) @MaxLength(255)
  path!: string;

  @IsOptional() @GitlabInteger()
  parent_id?: number;

  @IsOptional() @IsIn(VISIBILITIES)
  visibility?: Visibility;

  @IsOptional() @IsString() @MaxLength(2000)
  description?: string;
}

export class ListGroupsQuery extends PaginationQuery {
  @IsOptional() @IsString() @MaxLength(255)
  search?: string;

  @IsOptional() @GitlabBoolean()
  top_level_only?: boolean;

  /** Only groups the caller is a member of. */
  @IsOptional() @GitlabBoolean()
  owned?: boolean;

  @IsOptional() @GitlabBoolean()
  all_available?: boolean;
}
