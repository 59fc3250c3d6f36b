import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CleanupPolicyEntity } from '../../cleanup/cleanup-policy.entity';

/** GitLab's Group entity (response shape for the OpenAPI document; presentGroup returns it). */
export class GroupEntity {
  @ApiProperty() id!: number;
  @ApiProperty() name!: string;
  @ApiProperty() path!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: ['private', 'internal', 'public'] }) visibility!: 'private' | 'internal' | 'public';
  @ApiProperty() full_name!: string;
  @ApiProperty() full_path!: string;
  @ApiProperty({ type: Number, nullable: true }) parent_id!: number | null;
  @ApiProperty() web_url!: string;
  @ApiProperty({ type: String, nullable: true }) avatar_url!: null;
  @ApiProperty({ type: String, format: 'date-time' }) created_at!: Date;
}

/** GET and PUT /groups/:id: the group with its storage limit and usage (when the caller may see them). */
export class GroupDetailEntity extends GroupEntity {
  @ApiPropertyOptional({ description: 'Everything below the group together, in bytes (0: none).' }) container_registry_storage_limit?: number;
  @ApiPropertyOptional({ description: 'Bytes the registries of the projects below the group store, deduplicated.' }) container_registry_size?: number;
  @ApiPropertyOptional({ description: 'Bytes the group’s pull-through caches (virtual registries, dependency proxy) hold, deduplicated.' })
  dependency_proxy_size?: number;
  @ApiPropertyOptional({ description: 'Both together, each distinct blob once: what the group’s storage limit counts.' }) storage_size?: number;
  @ApiPropertyOptional({ type: CleanupPolicyEntity, nullable: true, description: 'PUT only: the group’s default cleanup policy.' })
  container_expiration_policy?: CleanupPolicyEntity | null;
}
