import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { ChangeOrigin } from '@cargohold/iam';
import { clientAddress } from '../http/client-address';

/**
 * Where an audited change comes from, as plain data for the service that records it in the change's transaction:
 * the client address resolved through TRUST_PROXY.
 */
export const RequestChangeOrigin = createParamDecorator((_data: unknown, context: ExecutionContext): ChangeOrigin => {
  return { ipAddress: clientAddress(context.switchToHttp().getRequest<Request>()) };
});
