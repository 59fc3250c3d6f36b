import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { WebhookUrlError } from '@cargohold/registry';

/** A refused hook URL (SSRF guard): GitLab's 422 with the reason under `url`. */
@Catch(WebhookUrlError)
export class WebhookUrlFilter implements ExceptionFilter {
  catch(error: WebhookUrlError, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (!res.headersSent) res.status(422).json({ message: { url: [error.message] } });
  }
}
