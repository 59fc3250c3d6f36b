import { DataSource } from 'typeorm';
import { WebhookDeliverer } from './webhook-deliverer';
import { verifyWebhookSignature } from './webhook-signature';
import { WebhookRequest, WebhookTransport } from './webhook-transport';
import { DeliveryWork, WebhookRepository } from './webhook.repository';

/** The deliverer's decisions with the database and the network replaced. */
function setup(options: { url?: string; allowLocal?: boolean; token?: string | null; transport: WebhookTransport; hook?: Partial<DeliveryWork['hook']> }) {
  const attempts: any[] = [];
  const failures: number[] = [];
  const successes: number[] = [];
  const work: DeliveryWork = {
    delivery: { id: 1, webhookId: 9, uuid: '00000000-0000-4000-8000-000000000001', event: 'image_pushed', payload: { event_name: 'image_pushed', tag: 'prod' }, status: 'pending', responseStatus: null, durationMs: null, attempts: 0, lastError: null, createdAt: new Date(), updatedAt: new Date(), deliveredAt: null },
    hook: { id: 9, url: options.url ?? 'http://hooks.example.com/in', token: options.token === undefined ? 's3cret' : options.token, enableSslVerification: true, permanentlyDisabled: false, disabledUntil: null, ...options.hook },
  };
  const repo = {
    findDeliveryWork: async () => work,
    allowLocalRequests: async () => options.allowLocal ?? false,
    recordAttempt: async (_db: unknown, _id: number, attempt: unknown) => void attempts.push(attempt),
    recordHookFailure: async (_db: unknown, id: number) => void failures.push(id),
    recordHookSuccess: async (_db: unknown, id: number) => void successes.push(id),
  } as unknown as WebhookRepository;
  const deliverer = new WebhookDeliverer(
    { manager: {} } as DataSource,
    repo,
    { timeoutMs: 1000, instanceUrl: 'https://registry.example.com', disableAfter: { temporaryAfter: 4, permanentAfter: 40 } },
    options.transport,
    async () => ['93.184.216.34'],
  );
  return { deliverer, attempts, failures, successes };
}

describe('WebhookDeliverer', () => {
  it('sends the token, a signature of the exact body and a stable idempotency key, and records the success', async () => {
    let sent: WebhookRequest | undefined;
    const { deliverer, attempts, successes } = setup({
      transport: async (request) => {
        sent = request;
        return { status: 204, bodyStart: '' };
      },
    });
    expect(await deliverer.attempt(1, 1, false)).toEqual({ outcome: 'delivered', status: 204 });
    expect(sent!.addresses).toEqual(['93.184.216.34']);
    expect(sent!.headers).toMatchObject({ 'X-Gitlab-Event': 'Registry Hook', 'X-Gitlab-Token': 's3cret', 'Idempotency-Key': '00000000-0000-4000-8000-000000000001' });
    expect(verifyWebhookSignature(sent!.body, 's3cret', sent!.headers['X-Cargohold-Signature'])).toBe(true);
    expect(JSON.parse(sent!.body)).toEqual({ event_name: 'image_pushed', tag: 'prod' });
    expect(attempts).toEqual([expect.objectContaining({ attempts: 1, status: 'succeeded', responseStatus: 204 })]);
    expect(successes).toEqual([9]);
  });

  it('omits token and signature for a hook without a token', async () => {
    let headers: Record<string, string> = {};
    const { deliverer } = setup({ token: null, transport: async (request) => ((headers = request.headers), { status: 200, bodyStart: '' }) });
    await deliverer.attempt(1, 1, false);
    expect(headers['X-Gitlab-Token']).toBeUndefined();
    expect(headers['X-Cargohold-Signature']).toBeUndefined();
  });

  it('asks for a retry on a 500 or a timeout, and gives up on the last attempt', async () => {
    const failing = setup({ transport: async () => ({ status: 500, bodyStart: 'boom' }) });
    expect(await failing.deliverer.attempt(1, 1, false)).toEqual({ outcome: 'retry', error: 'HTTP 500: boom' });
    expect(failing.attempts[0]).toMatchObject({ status: 'pending', responseStatus: 500 });
    expect(failing.failures).toEqual([9]);

    const timingOut = setup({ transport: async () => Promise.reject(new Error('timed out after 1000 ms')) });
    expect(await timingOut.deliverer.attempt(1, 5, true)).toEqual({ outcome: 'done', reason: 'timed out after 1000 ms' });
    expect(timingOut.attempts[0]).toMatchObject({ attempts: 5, status: 'failed', responseStatus: null });
  });

  it('refuses, without retrying or calling anyone, a URL that now points at a local address', async () => {
    const transport = jest.fn<ReturnType<WebhookTransport>, Parameters<WebhookTransport>>();
    const { deliverer, attempts } = setup({ url: 'http://169.254.169.254/latest/meta-data', transport });
    const result = await deliverer.attempt(1, 1, false);
    expect(result).toMatchObject({ outcome: 'done' });
    expect(transport).not.toHaveBeenCalled();
    expect(attempts[0]).toMatchObject({ status: 'failed', error: expect.stringMatching(/local network/) });
  });

  it('delivers to local addresses when the administrator allows them', async () => {
    const { deliverer } = setup({ url: 'http://127.0.0.1:8080/in', allowLocal: true, transport: async () => ({ status: 200, bodyStart: '' }) });
    expect(await deliverer.attempt(1, 1, false)).toMatchObject({ outcome: 'delivered' });
  });

  it('does not call a disabled hook', async () => {
    const transport = jest.fn<ReturnType<WebhookTransport>, Parameters<WebhookTransport>>();
    const permanently = setup({ transport, hook: { permanentlyDisabled: true } });
    expect(await permanently.deliverer.attempt(1, 1, false)).toMatchObject({ outcome: 'done' });
    const temporarily = setup({ transport, hook: { disabledUntil: new Date(Date.now() + 60_000) } });
    expect(await temporarily.deliverer.attempt(1, 1, false)).toMatchObject({ outcome: 'retry' });
    expect(transport).not.toHaveBeenCalled();
  });
});
