import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { AccessLevel, MEMBER_ACCESS_LEVELS, ProjectFilter, ProjectOrder, VISIBILITIES, Visibility } from '@cargohold/iam';
import { PaginationQuery } from '../../rest/pagination';
import { GitlabBoolean, GitlabInteger } from '../../rest/validation';

export class CreateProjectDto {
  @IsOptional() @IsString() @MinLength(1) @MaxLength(255)
  name?: string;

  @IsOptional() @IsString() @MinLength(1) @MaxLength(255)
  path?: string;

  @IsOptional() @GitlabInteger()
  namespace_id?: number;

  @IsOptional() @IsIn(VISIBILITIES)
  visibility?: Visibility;

  @IsOptional() @IsString() @MaxLength(2000)
  description?: string;
}

export class ListProjectsQuery extends PaginationQuery {
  @IsOptional() @IsString() @MaxLength(255)
  search?: string;

  @IsOptional() @IsIn(VISIBILITIES)
  visibility?: Visibility;

  /** Only projects the caller is a member of. */
  @IsOptional() @GitlabBoolean()
  membership?: boolean;

  /** Only projects the caller owns (Owner level). */
  @IsOptional() @GitlabBoolean()
  owned?: boolean;

  @IsOptional() @GitlabInteger() @IsIn(MEMBER_ACCESS_LEVELS)
  min_access_level?: number;

  @IsOptional() @IsIn(['id', 'name', 'path', 'created_at'])
  order_by?: 'id' | 'name' | 'path' | 'created_at';

  @IsOptional() @IsIn(['asc', 'desc'])
  sort?: 'asc' | 'desc';

  @IsOptional() @GitlabBoolean()
  simple?: boolean;
}

/** `GET /groups/:id/projects`: the project list's filters, plus the group's subgroups on request. */
export class ListGroupProjectsQuery extends ListProjectsQuery {
  /** Also the projects of every subgroup (GitLab's default: false). */
  @IsOptional() @GitlabBoolean()
  include_subgroups?: boolean;
}

/** The filter and order a project list query asks for (`owned` is Owner level, `membership` any level). */
export function projectListOf(query: ListProjectsQuery): { filter: ProjectFilter; order: { by: ProjectOrder; desc: boolean } } {
  const minAccessLevel = query.owned ? AccessLevel.OWNER : (query.min_access_level ?? (query.membership ? AccessLevel.GUEST : undefined));
  return {
    filter: { search: query.search, visibility: query.visibility, minAccessLevel },
    order: { by: query.order_by ?? 'created_at', desc: (query.sort ?? 'desc') === 'desc' },
  };
}

/** `GET /projects/:id?statistics=true`. */
export class GetProjectQuery {
  @IsOptional() @GitlabBoolean()
  statistics?: boolean;
}
