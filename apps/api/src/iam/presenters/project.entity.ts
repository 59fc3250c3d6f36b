import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { REGISTRY_ACCESS_LEVELS, RegistryAccessLevel } from '@cargohold/iam';
import { CleanupPolicyEntity } from '../../cleanup/cleanup-policy.entity';

/**
 * The response shapes of the project routes, for the OpenAPI document (and through it the web UI's generated
 * types, apps/web/src/api/schema.d.ts). The presenters return these types, so the compiler keeps both in step.
 */
export class NamespaceBriefEntity {
  @ApiProperty() id!: number;
  @ApiProperty() name!: string;
  @ApiProperty() path!: string;
  @ApiProperty({ enum: ['user', 'group'] }) kind!: 'user' | 'group';
  @ApiProperty() full_path!: string;
  @ApiProperty({ type: Number, nullable: true }) parent_id!: number | null;
  @ApiProperty() web_url!: string;
}

class AccessEntity {
  @ApiProperty() access_level!: number;
  @ApiProperty() role!: string;
}

class ProjectPermissionsEntity {
  @ApiProperty({ type: AccessEntity, nullable: true }) project_access!: AccessEntity | null;
}

export class ProjectEntity {
  @ApiProperty() id!: number;
  @ApiProperty() name!: string;
  @ApiProperty() name_with_namespace!: string;
  @ApiProperty() path!: string;
  @ApiProperty() path_with_namespace!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: ['private', 'internal', 'public'] }) visibility!: 'private' | 'internal' | 'public';
  @ApiProperty({ type: String, format: 'date-time' }) created_at!: Date;
  @ApiProperty({ type: Number, nullable: true }) creator_id!: number | null;
  @ApiProperty() web_url!: string;
  @ApiProperty() namespace!: NamespaceBriefEntity;
  @ApiProperty() container_registry_enabled!: boolean;
  @ApiProperty({ enum: REGISTRY_ACCESS_LEVELS }) container_registry_access_level!: RegistryAccessLevel;
  @ApiProperty({ description: '`host[:port]/<project path>`: what image names start with.' }) container_registry_image_prefix!: string;
  @ApiPropertyOptional({ type: ProjectPermissionsEntity, description: 'The caller’s role, when signed in.' }) permissions?: ProjectPermissionsEntity;
}

export class ProjectStatisticsEntity {
  @ApiProperty() commit_count!: number;
  @ApiProperty() storage_size!: number;
  @ApiProperty() repository_size!: number;
  @ApiProperty() wiki_size!: number;
  @ApiProperty() lfs_objects_size!: number;
  @ApiProperty() job_artifacts_size!: number;
  @ApiProperty() pipeline_artifacts_size!: number;
  @ApiProperty() packages_size!: number;
  @ApiProperty() snippets_size!: number;
  @ApiProperty() uploads_size!: number;
  @ApiProperty() container_registry_size!: number;
}

/** GET and PUT /projects/:id: the project, its cleanup policy in force, storage limits and (when asked) statistics. */
export class ProjectDetailEntity extends ProjectEntity {
  @ApiProperty() container_expiration_policy!: CleanupPolicyEntity;
  // Storage limits (ours, docs/api.md): present when the caller may see them.
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'The project’s own limit in bytes (null: the instance default applies).' })
  container_registry_storage_limit?: number | null;
  @ApiPropertyOptional({ description: 'The limit in force, in bytes (0: none).' }) container_registry_storage_effective_limit?: number;
  @ApiPropertyOptional({ description: 'Bytes stored, deduplicated.' }) container_registry_size?: number;
  @ApiPropertyOptional({ description: 'With `statistics=true`.' }) statistics?: ProjectStatisticsEntity;
}
