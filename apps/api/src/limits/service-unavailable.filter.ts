import { ArgumentsHost, Catch } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Response } from 'express';
import { isConnectionError } from '@cargohold/db';

/**
 * For the token service (/jwt/auth): a database that cannot be reached is a 503 with the registry's error body,
 * so docker and skopeo report "service unavailable" and retry, instead of a 500; anything else keeps Nest's default.
 */
@Catch()
export class ServiceUnavailableFilter extends BaseExceptionFilter {
  override catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (isConnectionError(error) && !res.headersSent) {
      res.setHeader('Retry-After', '5');
      res.status(503).json({ errors: [{ code: 'UNAVAILABLE', message: 'the metadata database is unavailable, retry later', detail: {} }] });
      return;
    }
    super.catch(error, host);
  }
}
