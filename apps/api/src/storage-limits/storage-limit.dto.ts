import { applyDecorators } from '@nestjs/common';
import { IsOptional, Max, Min } from 'class-validator';
import { GitlabInteger } from '../rest/validation';

/** `container_registry_storage_limit`: a byte count, 0 for no limit. */
export const StorageLimitBytes = () => applyDecorators(IsOptional(), GitlabInteger(), Min(0), Max(Number.MAX_SAFE_INTEGER));

export class GroupStorageLimitDto {
  @StorageLimitBytes()
  container_registry_storage_limit?: number;
}
