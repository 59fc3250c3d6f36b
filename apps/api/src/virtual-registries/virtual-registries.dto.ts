import { IsBoolean, IsIn, IsOptional, IsString, MaxLength, Min, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { PaginationQuery } from '../rest/pagination';
import { GitlabBoolean, GitlabInteger } from '../rest/validation';

// Lengths and limits are the domain's (VirtualRegistryConfigService, GitLab's model errors); the DTOs check types and
// bound the work of a request (no string longer than 64 KiB reaches it).

export class RegistryBodyDto {
  @IsOptional() @IsString() @MaxLength(65536)
  name?: string;

  @IsOptional() @IsString() @MaxLength(65536)
  description?: string;
}

export class UpstreamBodyDto {
  @IsOptional() @IsString() @MaxLength(65536)
  url?: string;

  @IsOptional() @IsString() @MaxLength(65536)
  name?: string;

  @IsOptional() @IsString() @MaxLength(65536)
  description?: string;

  @IsOptional() @GitlabInteger()
  cache_validity_hours?: number;

  @IsOptional() @IsString() @MaxLength(65536)
  username?: string;

  @IsOptional() @IsString() @MaxLength(65536)
  password?: string;
}

export class UpstreamListQuery extends PaginationQuery {
  @IsOptional() @IsString() @MaxLength(255)
  upstream_name?: string;
}

export class CacheEntryListQuery extends PaginationQuery {
  @IsOptional() @IsString() @MaxLength(1024)
  search?: string;
}

const POSITIONS = Array.from({ length: 20 }, (_, i) => i + 1);

export class PositionBodyDto {
  /** GitLab (Grape `values: 1..20`): a position past the registry's last upstream moves it last. */
  @GitlabInteger() @IsIn(POSITIONS)
  position!: number;
}

export class AssociationBodyDto {
  @GitlabInteger() @Min(1)
  registry_id!: number;

  @GitlabInteger() @Min(1)
  upstream_id!: number;
}

class ImageTtlPolicyDto {
  @IsOptional() @IsBoolean()
  enabled?: boolean;

  @IsOptional() @GitlabInteger()
  ttl?: number;
}

/** `PUT /groups/:id/dependency_proxy`: GitLab's dependency proxy setting and image TTL group policy in one body. */
export class DependencyProxySettingsDto {
  @IsOptional() @GitlabBoolean()
  enabled?: boolean;

  /** Docker Hub user name (with `secret`; both empty clear them). */
  @IsOptional() @IsString() @MaxLength(65536)
  identity?: string;

  /** Docker Hub password or personal access token; never returned. */
  @IsOptional() @IsString() @MaxLength(65536)
  secret?: string;

  @IsOptional() @ValidateNested() @Type(() => ImageTtlPolicyDto)
  image_ttl_policy?: ImageTtlPolicyDto;
}
