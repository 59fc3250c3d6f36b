import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { Actor } from '@cargohold/iam';

/** Where RestAuthGuard leaves the authenticated actor (null: anonymous). */
export interface AuthenticatedRequest extends Request {
  actor?: Actor | null;
}

/** The caller, as RestAuthGuard authenticated it; null for anonymous requests on @AllowAnonymous routes. */
export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext): Actor | null => {
  return context.switchToHttp().getRequest<AuthenticatedRequest>().actor ?? null;
});
