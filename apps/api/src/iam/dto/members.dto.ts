import { IsIn, IsOptional, IsString, Matches, ValidateIf } from 'class-validator';
import { MEMBER_ACCESS_LEVELS } from '@cargohold/iam';
import { GitlabInteger } from '../../rest/validation';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class AddMemberDto {
  /** GitLab takes `user_id` or `username`. */
  @ValidateIf((dto: AddMemberDto) => dto.username === undefined)
  @GitlabInteger()
  user_id?: number;

  @IsOptional() @IsString()
  username?: string;

  @GitlabInteger() @IsIn(MEMBER_ACCESS_LEVELS)
  access_level!: number;

  @IsOptional() @Matches(DATE)
  expires_at?: string;
}

export class UpdateMemberDto {
  @GitlabInteger() @IsIn(MEMBER_ACCESS_LEVELS)
  access_level!: number;

  /** An empty string clears the expiry. */
  @IsOptional() @ValidateIf((dto: UpdateMemberDto) => dto.expires_at !== '') @Matches(DATE)
  expires_at?: string;
}
