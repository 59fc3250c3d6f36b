import { request as httpRequest, IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, LookupFunction } from 'node:net';

export interface WebhookRequest {
  url: URL;
  /** The addresses the SSRF guard checked; the connection goes to the first, never to a fresh DNS answer. */
  addresses: string[];
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  verifyTls: boolean;
}

export interface WebhookResponse {
  status: number;
  /** The first KiB of the body, for the delivery log's last_error. */
  bodyStart: string;
}

/** Sends one webhook POST. Replaceable in unit specs. */
export type WebhookTransport = (request: WebhookRequest) => Promise<WebhookResponse>;

/** Node's http(s) client, pinned to the checked address, with one deadline for connect, send and response. */
export const postWebhook: WebhookTransport = (input) =>
  new Promise<WebhookResponse>((resolve, reject) => {
    const send = input.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const pinned = pinnedLookup(input.addresses[0]);
    const req = send(input.url, {
      method: 'POST',
      headers: { ...input.headers, 'Content-Length': String(Buffer.byteLength(input.body)) },
      ...(isIP(input.url.hostname.replace(/^\[|\]$/g, '')) ? {} : { lookup: pinned }),
      rejectUnauthorized: input.verifyTls,
      agent: false,
    });
    const timer = setTimeout(() => req.destroy(new Error(`timed out after ${input.timeoutMs} ms`)), input.timeoutMs);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.on('response', (res: IncomingMessage) => {
      let bodyStart = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (bodyStart.length < 1024) bodyStart += chunk.slice(0, 1024 - bodyStart.length);
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, bodyStart });
      });
      res.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    req.end(input.body);
  });

function pinnedLookup(address: string): LookupFunction {
  const family = isIP(address) === 6 ? 6 : 4;
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as unknown as LookupFunction;
}
