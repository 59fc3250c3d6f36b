import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ListedTagEntity, TagEntity } from '../registry-management/registry.entity';

/** The retention rules that keep a tag, and the protection a run obeys (`protected`, `immutable`). */
const PREVIEW_REASONS = ['latest', 'name_regex_delete', 'name_regex_keep', 'keep_n', 'older_than', 'keep_n_recently_pulled', 'keep_pulled_within', 'protected', 'immutable'] as const;

/** GitLab's `container_expiration_policy` entity, plus where the policy in force comes from (ours). */
export class CleanupPolicyEntity {
  @ApiProperty() cadence!: string;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ type: Number, nullable: true }) keep_n!: number | null;
  @ApiProperty({ type: String, nullable: true }) older_than!: string | null;
  @ApiProperty({ type: String, nullable: true }) name_regex!: string | null;
  @ApiProperty({ type: String, nullable: true }) name_regex_delete!: string | null;
  @ApiProperty({ type: String, nullable: true }) name_regex_keep!: string | null;
  @ApiProperty({ type: Number, nullable: true }) keep_n_recently_pulled!: number | null;
  @ApiProperty({ type: String, nullable: true }) keep_pulled_within!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) next_run_at!: string | null;
  @ApiProperty({ enum: ['project', 'group', 'repository', 'default'] }) source!: 'project' | 'group' | 'repository' | 'default';
  @ApiPropertyOptional({ description: 'The group the policy in force belongs to, when inherited.' }) group_id?: number;
}

/** The rules a preview judged, in the REST parameters' names; ages in seconds. */
class PreviewRulesEntity {
  @ApiProperty() name_regex_delete!: string;
  @ApiProperty({ type: String, nullable: true }) name_regex_keep!: string | null;
  @ApiProperty({ type: Number, nullable: true }) keep_n!: number | null;
  @ApiProperty({ type: Number, nullable: true }) older_than_seconds!: number | null;
  @ApiProperty({ type: Number, nullable: true }) keep_n_recently_pulled!: number | null;
  @ApiProperty({ type: Number, nullable: true }) keep_pulled_within_seconds!: number | null;
}

class PreviewedTagEntity extends TagEntity {
  @ApiProperty({ enum: ['delete', 'keep'] }) action!: 'delete' | 'keep';
  @ApiProperty({ enum: PREVIEW_REASONS, isArray: true, description: 'The rules that keep the tag (protection rules included); empty: a run now deletes it.' })
  kept_by!: readonly (typeof PREVIEW_REASONS)[number][];
  @ApiProperty({ type: String, format: 'date-time' }) pushed_at!: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) last_pulled_at!: ListedTagEntity['last_pulled_at'];
  @ApiProperty() pull_count!: number;
}

/** `GET …/repositories/:repository_id/cleanup_preview` (ours): what a cleanup run would do to each tag now. */
export class CleanupPreviewEntity {
  @ApiProperty({ enum: ['parameters', 'project', 'group', 'repository', 'default'] }) source!: 'parameters' | 'project' | 'group' | 'repository' | 'default';
  @ApiProperty({ type: PreviewRulesEntity, nullable: true, description: 'Null when the policy in force has no name_regex (it deletes nothing).' })
  rules!: PreviewRulesEntity | null;
  @ApiProperty({ type: String, format: 'date-time' }) judged_at!: string;
  @ApiProperty() tags_count!: number;
  @ApiProperty() delete_count!: number;
  @ApiProperty() keep_count!: number;
  @ApiProperty({ type: [PreviewedTagEntity] }) tags!: PreviewedTagEntity[];
}

/** A run of a project's cleanup policy (ours). */
export class CleanupRunEntity {
  @ApiProperty() id!: number;
  @ApiProperty() project_id!: number;
  @ApiProperty({ enum: ['scheduled', 'ongoing', 'unfinished', 'finished', 'failed'] }) status!: 'scheduled' | 'ongoing' | 'unfinished' | 'finished' | 'failed';
  @ApiProperty({ enum: ['schedule', 'manual'] }) trigger!: 'schedule' | 'manual';
  @ApiProperty({ enum: ['project', 'group', 'repository'] }) policy_source!: 'project' | 'group' | 'repository';
  @ApiProperty() deleted_tags_count!: number;
  @ApiProperty({ description: 'Tags the policy chose that protection rules kept from deletion (ours, issue 19).' }) protected_tags_skipped_count!: number;
  @ApiProperty({ description: 'Tags the policy chose that immutable tag rules kept (ours, issue 19).' }) immutable_tags_skipped_count!: number;
  @ApiProperty() repositories_done!: number;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) scheduled_at!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) started_at!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finished_at!: string | null;
}
