import { ArgumentsHost, Catch, NotFoundException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Request, Response } from 'express';
import { REST_PREFIX } from './rest-controller.decorator';
import { restErrorFor, sendRestError } from './rest-errors';

/**
 * Requests under /api/v4 that match no route never reach a controller's filter; they get GitLab's
 * `{"error":"404 Not Found"}` here (rest-errors.ts). Everything else keeps Nest's default handling.
 */
@Catch(NotFoundException)
export class UnmatchedRouteFilter extends BaseExceptionFilter {
  override catch(error: NotFoundException, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    if (req.path === `/${REST_PREFIX}` || req.path.startsWith(`/${REST_PREFIX}/`)) {
      const mapped = restErrorFor(error);
      if (mapped) return sendRestError(host.switchToHttp().getResponse<Response>(), mapped);
    }
    super.catch(error, host);
  }
}
