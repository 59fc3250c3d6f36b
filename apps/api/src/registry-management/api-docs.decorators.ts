import { applyDecorators } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';

/** OpenAPI description of a container registry route: tag, summary, and the error statuses it may answer. */
export function RegistryApiDoc(summary: string, statuses: number[] = [401, 403, 404]): MethodDecorator {
  return applyDecorators(
    ApiTags('container_registry'),
    ApiOperation({ summary }),
    ...statuses.map((status) => ApiResponse({ status, description: STATUS_DESCRIPTIONS[status] })),
  );
}

/** GitLab's offset pagination parameters (PaginationQuery carries no OpenAPI metadata of its own). */
export function ApiOffsetPagination(): MethodDecorator {
  return applyDecorators(
    ApiQuery({ name: 'page', required: false, type: Number, description: 'Page number (default 1).' }),
    ApiQuery({ name: 'per_page', required: false, type: Number, description: 'Items per page (default 20, at most 100).' }),
  );
}

const STATUS_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad request: `{"error": "<param> ..."}` or `{"message": "..."}`',
  401: 'Unauthorized',
  403: 'Forbidden: the role or token scope does not allow it',
  404: 'Project, group, repository or tag not found (or not visible)',
  409: 'Conflict: the tag name is taken again',
  410: 'Gone: the deleted tag is past its restore window, or its manifest was deleted',
};
