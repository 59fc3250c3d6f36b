import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** GitLab's PersonalAccessToken entity; `token` only in the creation response. */
export class PersonalAccessTokenEntity {
  @ApiProperty() id!: number;
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty() revoked!: boolean;
  @ApiProperty({ type: String, format: 'date-time' }) created_at!: Date;
  @ApiProperty({ type: [String] }) scopes!: string[];
  @ApiProperty() user_id!: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) last_used_at!: Date | null;
  @ApiProperty() active!: boolean;
  @ApiProperty({ type: String, format: 'date', nullable: true }) expires_at!: string | null;
  @ApiPropertyOptional({ description: 'The secret: only when just created.' }) token?: string;
}

/** Project and group access tokens: a personal access token of the bot, plus its access level. */
export class ResourceAccessTokenEntity extends PersonalAccessTokenEntity {
  @ApiProperty() access_level!: number;
}

/** GitLab's DeployToken entity; `token` only in the creation response. */
export class DeployTokenEntity {
  @ApiProperty() id!: number;
  @ApiProperty() name!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expires_at!: Date | null;
  @ApiProperty() revoked!: boolean;
  @ApiProperty() expired!: boolean;
  @ApiProperty({ type: [String] }) scopes!: string[];
  @ApiPropertyOptional() project_id?: number;
  @ApiPropertyOptional({ type: Number, nullable: true }) group_id?: number | null;
  @ApiPropertyOptional({ description: 'The secret: only when just created.' }) token?: string;
}
