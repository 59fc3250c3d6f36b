import { DomainError } from '@cargohold/common';

/** Why a webhook URL is refused (the SSRF guard): UNPROCESSABLE, about the hook's `url`. */
export class WebhookUrlError extends DomainError<'UNPROCESSABLE'> {
  constructor(message: string) {
    super('UNPROCESSABLE', message, { field: 'url' });
  }
}
