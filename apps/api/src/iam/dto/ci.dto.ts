import { IsDefined, IsOptional, IsString, MaxLength, Min, MinLength } from 'class-validator';
import { GitlabBoolean, GitlabInteger } from '../../rest/validation';

export class StartJobDto {
  @IsOptional() @IsString() @MinLength(1) @MaxLength(255)
  name?: string;

  /** Seconds until the job (and its token) times out; 3600 by default. */
  @IsOptional() @GitlabInteger() @Min(1)
  timeout?: number;
}

export class AddAllowlistProjectDto {
  @GitlabInteger()
  target_project_id!: number;
}

export class AddAllowlistGroupDto {
  @GitlabInteger()
  target_group_id!: number;
}

/** GitLab's PATCH /projects/:id/job_token_scope: `enabled` is the "Limit access to this project" switch. */
export class PatchJobTokenScopeDto {
  @IsDefined() @GitlabBoolean()
  enabled!: boolean;
}
