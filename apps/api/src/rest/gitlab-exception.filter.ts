import { ArgumentsHost, Catch, ExceptionFilter, Inject } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Logger } from '@cargohold/common';
import { LOGGER } from '@cargohold/platform';
import { restErrorFor, sendRestError } from './rest-errors';

/** Renders every error on /api/v4 in GitLab's body shape (rest-errors.ts); anything unmapped is a 500 and gets logged. */
@Catch()
export class GitlabExceptionFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request>();
    const mapped = restErrorFor(error);
    if (res.headersSent) return;
    if (mapped) return sendRestError(res, mapped);
    this.logger.error({ err: error, method: req.method, path: req.path }, 'unhandled error in REST API');
    sendRestError(res, { status: 500, body: { message: '500 Internal Server Error' } });
  }
}
