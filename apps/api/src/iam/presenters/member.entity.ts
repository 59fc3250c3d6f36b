import { ApiProperty } from '@nestjs/swagger';

/** GitLab's UserBasic entity. */
export class UserBasicEntity {
  @ApiProperty() id!: number;
  @ApiProperty() username!: string;
  @ApiProperty() name!: string;
  @ApiProperty() state!: string;
  @ApiProperty() locked!: boolean;
  @ApiProperty({ type: String, nullable: true }) avatar_url!: null;
  @ApiProperty() web_url!: string;
}

/** GitLab's Member entity: the user's basic fields plus the membership. */
export class MemberEntity extends UserBasicEntity {
  @ApiProperty() access_level!: number;
  @ApiProperty({ type: String, format: 'date', nullable: true }) expires_at!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) created_at!: Date;
  @ApiProperty({ type: UserBasicEntity, nullable: true }) created_by!: UserBasicEntity | null;
  @ApiProperty() membership_state!: string;
  @ApiProperty({ enum: ['Namespace', 'Project'] }) source_type!: 'Namespace' | 'Project';
  @ApiProperty() source_id!: number;
}
