import { applyDecorators, Controller, UseFilters, UseGuards, UsePipes } from '@nestjs/common';
import { GitlabExceptionFilter } from './gitlab-exception.filter';
import { RestAuthGuard } from './rest-auth.guard';
import { restValidationPipe } from './validation';

export const REST_PREFIX = 'api/v4';

/**
 * A controller under /api/v4 with the shared plumbing: token authentication and scope checks, GitLab error
 * bodies, validated DTOs. The module declaring it must import RestModule.
 */
export function RestController(path = ''): ClassDecorator {
  return applyDecorators(
    Controller(path ? `${REST_PREFIX}/${path}` : REST_PREFIX),
    UseGuards(RestAuthGuard),
    UseFilters(GitlabExceptionFilter),
    UsePipes(restValidationPipe),
  );
}
