import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, MaxLength, Min, MinLength } from 'class-validator';

export class StartJobDto {
  @IsOptional() @IsString() @MinLength(1) @MaxLength(255)
  name?: string;

  /** Seconds until the job (and its token) times out; 3600 by default. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  timeout?: number;
}

export class AddAllowlistProjectDto {
  @Type(() => Number) @IsInt()
  target_project_id!: number;
}
