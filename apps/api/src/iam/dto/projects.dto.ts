import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { AccessLevel, MEMBER_ACCESS_LEVELS, ProjectFilter, ProjectOrder, REGISTRY_ACCESS_LEVELS, RegistryAccessLevel, VISIBILITIES, Visibility } from '@cargohold/iam';
import { UpdateWithPolicyDto } from '../../cleanup/cleanup-policy.dto';
import { PaginationQuery } from '../../rest/pagination';
import { GitlabBoolean, GitlabInteger } from '../../rest/validation';
import { StorageLimitBytes } from '../../storage-limits/storage-limit.dto';

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

  @IsOptional() @IsIn(REGISTRY_ACCESS_LEVELS)
  container_registry_access_level?: RegistryAccessLevel;

  /** Deprecated in GitLab: `false` disables the registry, `true` enables it; the access level wins when both come. */
  @IsOptional() @GitlabBoolean()
  container_registry_enabled?: boolean;
}

/** GitLab's PUT /projects/:id attributes we support; others are dropped by the validation pipe, as GitLab ignores them. */
export class UpdateProjectDto extends UpdateWithPolicyDto {
  @IsOptional() @IsString() @MinLength(1) @MaxLength(255)
  name?: string;

  @IsOptional() @IsString() @MinLength(1) @MaxLength(255)
  path?: string;

  @IsOptional() @IsString() @MaxLength(2000)
  description?: string;

  @IsOptional() @IsIn(VISIBILITIES)
  visibility?: Visibility;

  @IsOptional() @IsIn(REGISTRY_ACCESS_LEVELS)
  container_registry_access_level?: RegistryAccessLevel;

  /** Deprecated in GitLab: `false` disables the registry, `true` enables it; the access level wins when both come. */
  @IsOptional() @GitlabBoolean()
  container_registry_enabled?: boolean;

  /** Registry storage limit in bytes (administrators only): 0 for none, null for the instance default. */
  @StorageLimitBytes()
  container_registry_storage_limit?: number | null;
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

/** The registry access level a create or edit asks for: the access level, else GitLab's deprecated boolean. */
export function requestedRegistryAccess(body: {
  container_registry_access_level?: RegistryAccessLevel;
  container_registry_enabled?: boolean;
}): RegistryAccessLevel | undefined {
  if (body.container_registry_access_level !== undefined) return body.container_registry_access_level;
  if (body.container_registry_enabled === undefined) return undefined;
  return body.container_registry_enabled ? 'enabled' : 'disabled';
}
