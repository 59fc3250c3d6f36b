import { applyDecorators } from '@nestjs/common';
import { IsOptional, Max, Min } from 'class-validator';
import { GitlabInteger } from '../rest/validation';
import { UpdateWithPolicyDto } from '../cleanup/cleanup-policy.dto';

/** `container_registry_storage_limit`: a byte count, 0 for no limit. */
export const StorageLimitBytes = () => applyDecorators(IsOptional(), GitlabInteger(), Min(0), Max(Number.MAX_SAFE_INTEGER));

/** `PUT /groups/:id`: the group's default cleanup policy and its registry storage limit. */
export class UpdateGroupDto extends UpdateWithPolicyDto {
  @StorageLimitBytes()
  container_registry_storage_limit?: number;
}
