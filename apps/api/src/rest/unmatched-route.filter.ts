import { ArgumentsHost, Catch, NotFoundException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Request, Response } from 'express';
import { REST_PREFIX } from './rest-controller.decorator';

/**
 * Requests under /api/v4 that match no route never reach a controller's filter; they get GitLab's
 * `{"error":"404 Not Found"}` here. Everything else keeps Nest's default handling.
 */
@Catch(NotFoundException)
export class UnmatchedRouteFilter extends BaseExceptionFilter {
  override catch(error: NotFoundException, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    if (req.path === `/${REST_PREFIX}` || req.path.startsWith(`/${REST_PREFIX}/`)) {
      host.switchToHttp().getResponse<Response>().status(404).json({ error: '404 Not Found' });
      return;
    }
    super.catch(error, host);
  }
}
