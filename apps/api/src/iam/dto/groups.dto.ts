import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { VISIBILITIES, Visibility } from '@cargohold/iam';
import { PaginationQuery } from '../../rest/pagination';
import { ToBoolean } from '../../rest/validation';

export class CreateGroupDto {
  @IsString() @MinLength(1) @MaxLength(255)
  name!: string;

  @IsString() @MinLength(1) @MaxLength(255)
  path!: string;

  @IsOptional() @Type(() => Number) @IsInt()
  parent_id?: number;

  @IsOptional() @IsIn(VISIBILITIES)
  visibility?: Visibility;

  @IsOptional() @IsString() @MaxLength(2000)
  description?: string;
}

export class ListGroupsQuery extends PaginationQuery {
  @IsOptional() @IsString() @MaxLength(255)
  search?: string;

  @IsOptional() @ToBoolean() @IsBoolean()
  top_level_only?: boolean;

  /** Only groups the caller is a member of. */
  @IsOptional() @ToBoolean() @IsBoolean()
  owned?: boolean;

  @IsOptional() @ToBoolean() @IsBoolean()
  all_available?: boolean;
}
