import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PROTECTION_LEVELS, ProtectionLevelName } from '@cargohold/registry';

/**
 * The response shapes of the container registry routes, for the OpenAPI document (and the web UI's generated types).
 * The presenters return these types, so the compiler keeps presenter and document in step.
 */

/** GitLab's ContainerRegistry::Tag entity. */
export class TagEntity {
  @ApiProperty() name!: string;
  @ApiProperty({ description: '`<repository path>:<tag>`' }) path!: string;
  @ApiProperty({ description: '`host[:port]/<repository path>:<tag>`' }) location!: string;
}

/** How a tag is protected (ours, docs/api.md "Protected tags"), with why this caller may not push or delete it. */
export class TagProtectionEntity {
  @ApiProperty({ enum: Object.keys(PROTECTION_LEVELS), nullable: true }) minimum_access_level_for_push!: ProtectionLevelName | null;
  @ApiProperty({ enum: Object.keys(PROTECTION_LEVELS), nullable: true }) minimum_access_level_for_delete!: ProtectionLevelName | null;
  @ApiProperty() immutable!: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'Why the caller may not push the tag to another manifest; null: they may.' }) push_refused_reason!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Why the caller may not delete the tag; null: they may.' }) delete_refused_reason!: string | null;
}

/** A tag of the tags list: GitLab's entity plus pull statistics and protection (ours). */
export class ListedTagEntity extends TagEntity {
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) last_pulled_at!: Date | null;
  @ApiProperty() pull_count!: number;
  @ApiPropertyOptional({ type: TagProtectionEntity, nullable: true, description: 'Null when no rule covers the tag.' }) protection?: TagProtectionEntity | null;
}

/** GitLab's TagDetails plus pull statistics. */
export class TagDetailsEntity extends ListedTagEntity {
  @ApiProperty({ type: String, nullable: true, description: 'The image config’s digest (hex).' }) revision!: string | null;
  @ApiProperty({ type: String, nullable: true }) short_revision!: string | null;
  @ApiProperty({ description: 'The manifest’s digest.' }) digest!: string;
  @ApiProperty({ type: String, format: 'date-time' }) created_at!: Date;
  @ApiProperty() total_size!: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) manifest_last_pulled_at!: Date | null;
  @ApiProperty() manifest_pull_count!: number;
}

/** GitLab's ContainerRegistry::Repository entity; the optional fields only when asked for. */
export class RepositoryEntity {
  @ApiProperty() id!: number;
  @ApiProperty() name!: string;
  @ApiProperty() path!: string;
  @ApiProperty() project_id!: number;
  @ApiProperty() location!: string;
  @ApiProperty({ type: String, format: 'date-time' }) created_at!: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) cleanup_policy_started_at!: Date | null;
  @ApiPropertyOptional({ description: 'With `tags_count=true`.' }) tags_count?: number;
  @ApiPropertyOptional({ type: [TagEntity], description: 'With `tags=true`: the first tags.' }) tags?: TagEntity[];
  @ApiPropertyOptional({ description: 'Only for those who may delete the repository.' }) delete_api_path?: string;
  @ApiPropertyOptional({ description: 'Deduplicated bytes (the single-repository route, with `size=true`).' }) size?: number;
  @ApiProperty({ type: String, nullable: true, description: '`delete_scheduled`, `delete_ongoing`, `delete_failed` or null.' }) status!: string | null;
}

/** A tag deleted within its restore window (ours, docs/api.md "Deleted tags"). */
export class DeletedTagEntity extends TagEntity {
  @ApiProperty() id!: number;
  @ApiProperty() digest!: string;
  @ApiProperty({ type: String, format: 'date-time' }) deleted_at!: Date;
  @ApiProperty({ type: Number, nullable: true }) deleted_by!: number | null;
  @ApiProperty({ type: String, nullable: true }) deleted_by_type!: string | null;
  @ApiProperty({ type: String, nullable: true }) deleted_by_username!: string | null;
  @ApiProperty({ enum: ['registry', 'api', 'bulk_delete', 'cleanup'] }) how!: 'registry' | 'api' | 'bulk_delete' | 'cleanup';
  @ApiProperty({ type: String, format: 'date-time' }) restorable_until!: Date;
  @ApiProperty() restorable!: boolean;
  @ApiProperty({ enum: ['manifest_deleted', 'name_taken'], nullable: true, description: 'Why a restore would fail now (410, 409); null when it would succeed.' })
  restore_blocked_by!: 'manifest_deleted' | 'name_taken' | null;
}

/** `GET /projects/:id/registry/statistics` (ours): the project's registry storage, deduplicated. */
export class RegistryUsageEntity {
  @ApiProperty() container_registry_size!: number;
  @ApiProperty() repositories_count!: number;
  @ApiProperty() tags_count!: number;
}
