/** Why a webhook URL is refused; the api renders it as GitLab's 422 `{"message": {"url": [...]}}`. */
export class WebhookUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookUrlError';
  }
}
