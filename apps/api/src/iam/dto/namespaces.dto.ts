import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PaginationQuery } from '../../rest/pagination';
import { GitlabBoolean } from '../../rest/validation';

export class ListNamespacesQuery extends PaginationQuery {
  @IsOptional() @IsString() @MaxLength(255)
  search?: string;

  /** Only the groups the caller owns (and their own namespace). */
  @IsOptional() @GitlabBoolean()
  owned_only?: boolean;
}
