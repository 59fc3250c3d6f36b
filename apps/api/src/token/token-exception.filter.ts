import { ArgumentsHost, Catch } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Response } from 'express';
import { sendRestError, tokenErrorFor } from '../rest/rest-errors';

/**
 * For the token service (/jwt/auth): domain errors and an unreachable database in the token error format
 * (rest-errors.ts `tokenErrorFor`); anything else keeps Nest's default handling (logged, 500).
 */
@Catch()
export class TokenExceptionFilter extends BaseExceptionFilter {
  override catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const mapped = tokenErrorFor(error);
    if (mapped && !res.headersSent) return sendRestError(res, mapped);
    super.catch(error, host);
  }
}
