import { lookup as dnsLookup } from 'node:dns';
import type { IncomingHttpHeaders } from 'node:http';
import { isIP, type LookupFunction } from 'node:net';
import { Readable } from 'node:stream';
import { assertPublic } from '@cargohold/registry';
import { Agent, Dispatcher, request } from 'undici';
import { DEFAULT_MANIFEST_ACCEPT, manifestMediaType } from './media-types';
import { digestOf, isDigest } from './digests';
import { errorKindOfStatus, UpstreamError } from './upstream-error';
import { parseTokenResponse, UpstreamAuth } from './upstream-auth';
import { UpstreamTarget } from './upstream-target';
import { parseWwwAuthenticate } from './www-authenticate';

export interface UpstreamClientOptions {
  /** Milliseconds to establish a connection (TCP and TLS). */
  connectTimeoutMs?: number;
  /** Milliseconds from a request sent to its response headers. */
  headersTimeoutMs?: number;
  /** Milliseconds a response body may go without a byte before it fails. */
  idleTimeoutMs?: number;
  /** Largest manifest accepted from an upstream (the same limit as a push). */
  maxManifestBytes?: number;
  /** Redirects followed for one request (blob downloads are often sent to a CDN). */
  maxRedirects?: number;
  /** Cached tokens and learnt schemes kept at most (per upstream and repository). */
  authCacheEntries?: number;
  userAgent?: string;
  /**
   * Whether upstreams may be loopback, private or link-local addresses (the administrator's
   * `allow_local_requests_from_web_hooks_and_services`), asked at each new connection. Default: never.
   */
  allowLocalRequests?: () => Promise<boolean>;
}

/** What every upstream answer tells besides its body. */
export interface UpstreamMeta {
  /** The upstream's `RateLimit-Remaining` (Docker Hub: `76;w=21600` → 76), when it sends one. */
  rateLimitRemaining?: number;
}

export interface UpstreamManifestHead extends UpstreamMeta {
  /** `Docker-Content-Digest`: required for a revalidation to count as unchanged. */
  digest?: string;
  mediaType?: string;
  size?: number;
}

export interface UpstreamManifest extends UpstreamMeta {
  /** The bytes exactly as the upstream sent them. */
  bytes: Buffer;
  /** Their digest, verified against the reference (by digest) and the upstream's `Docker-Content-Digest`. */
  digest: string;
  mediaType: string;
}

export interface UpstreamBlob extends UpstreamMeta {
  /** The bytes, as they arrive; consume or destroy it. */
  body: Readable;
  status: 200 | 206;
  /** Content-Length of this response (the range's length for a 206), when the upstream sent it. */
  size?: number;
  contentRange?: string;
}

export interface UpstreamBlobHead extends UpstreamMeta {
  size?: number;
}

const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;
/**
 * What a response body buffers before undici stops reading the socket (its default: 64 KiB): a blob download keeps
 * reading from the upstream while the store or the client take a moment.
 */
const BODY_BUFFER_BYTES = 1024 * 1024;

/**
 * A client of one kind of server, many instances: OCI Distribution / Docker Registry v2 upstreams. Anonymous, Basic
 * and the Docker token flow (on a 401, follow `WWW-Authenticate: Bearer realm=...,service=...,scope=...`, fetch a
 * token, with the configured credentials when there are some, and cache it for its lifetime); the caller's Accept
 * list goes through unchanged. Every failure is an UpstreamError whose kind tells not found, unauthorized, rate
 * limited, unavailable (network, timeouts, 5xx) and invalid answers apart.
 */
export class UpstreamRegistryClient {
  private readonly agent: Agent;
  private readonly auth: UpstreamAuth;
  private readonly maxManifestBytes: number;
  private readonly maxRedirects: number;
  private readonly userAgent: string;
  private readonly allowLocalRequests: () => Promise<boolean>;

  constructor(options: UpstreamClientOptions = {}) {
    this.allowLocalRequests = options.allowLocalRequests ?? (async () => false);
    this.agent = new Agent({
      connect: { timeout: options.connectTimeoutMs ?? 10_000, lookup: guardedLookup(this.allowLocalRequests) },
      headersTimeout: options.headersTimeoutMs ?? 30_000,
      bodyTimeout: options.idleTimeoutMs ?? 30_000,
      keepAliveTimeout: 30_000,
    });
    this.auth = new UpstreamAuth((realm, query, authorization) => this.fetchToken(realm, query, authorization), options.authCacheEntries);
    this.maxManifestBytes = options.maxManifestBytes ?? MAX_MANIFEST_BYTES;
    this.maxRedirects = options.maxRedirects ?? 5;
    this.userAgent = options.userAgent ?? 'cargohold-pull-through';
  }

  async headManifest(target: UpstreamTarget, repository: string, reference: string, accept: string[] = DEFAULT_MANIFEST_ACCEPT): Promise<UpstreamManifestHead> {
    const response = await this.send(target, repository, 'HEAD', `manifests/${reference}`, { accept: acceptHeader(accept) });
    await response.body.dump();
    const length = header(response.headers, 'content-length');
    return {
      digest: header(response.headers, 'docker-content-digest'),
      mediaType: header(response.headers, 'content-type')?.split(';')[0].trim(),
      size: length === undefined ? undefined : Number(length),
      rateLimitRemaining: rateLimitRemaining(response.headers),
    };
  }

  /** The manifest's bytes, bounded, with their digest verified against what the request and the upstream say. */
  async getManifest(target: UpstreamTarget, repository: string, reference: string, accept: string[] = DEFAULT_MANIFEST_ACCEPT): Promise<UpstreamManifest> {
    const response = await this.send(target, repository, 'GET', `manifests/${reference}`, { accept: acceptHeader(accept) });
    const bytes = await readBounded(response, this.maxManifestBytes, 'manifest');
    const claimed = header(response.headers, 'docker-content-digest');
    const digest = digestOf(bytes, isDigest(reference) ? reference : claimed);
    if (isDigest(reference) && digest !== reference) throw new UpstreamError('invalid', `the upstream's manifest for ${reference} has digest ${digest}`);
    if (claimed && isDigest(claimed) && digestOf(bytes, claimed) !== claimed) {
      throw new UpstreamError('invalid', `the upstream's manifest bytes do not match its Docker-Content-Digest ${claimed}`);
    }
    return { bytes, digest, mediaType: manifestMediaType(header(response.headers, 'content-type'), bytes), rateLimitRemaining: rateLimitRemaining(response.headers) };
  }

  async headBlob(target: UpstreamTarget, repository: string, digest: string): Promise<UpstreamBlobHead> {
    const response = await this.send(target, repository, 'HEAD', `blobs/${digest}`, {});
    await response.body.dump();
    const length = header(response.headers, 'content-length');
    return { size: length === undefined ? undefined : Number(length), rateLimitRemaining: rateLimitRemaining(response.headers) };
  }

  /**
   * Opens a blob download (a `range` is passed through as `Range: bytes=start-end`). The body is not verified here:
   * the caller hashes what it keeps.
   */
  async getBlob(target: UpstreamTarget, repository: string, digest: string, range?: { start: number; end?: number }): Promise<UpstreamBlob> {
    const headers: Record<string, string> = {};
    if (range) headers.range = `bytes=${range.start}-${range.end ?? ''}`;
    const response = await this.send(target, repository, 'GET', `blobs/${digest}`, headers);
    const length = header(response.headers, 'content-length');
    const status = response.statusCode === 206 ? 206 : 200;
    return {
      body: response.body,
      status,
      size: length === undefined ? undefined : Number(length),
      contentRange: header(response.headers, 'content-range'),
      rateLimitRemaining: rateLimitRemaining(response.headers),
    };
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  /**
   * One registry request with what the upstream wants for authentication: the learnt header first (a cached token
   * costs no round trip); on a 401 the challenge is answered and the request sent once more. Redirects are followed
   * here, without the Authorization header once they leave the upstream's origin (a CDN must not see its token).
   */
  private async send(target: UpstreamTarget, repository: string, method: 'GET' | 'HEAD', path: string, headers: Record<string, string>): Promise<Dispatcher.ResponseData> {
    const url = `${target.url.replace(/\/+$/, '')}/v2/${repository}/${path}`;
    let authorization = this.auth.authorization(target, repository);
    for (let attempt = 0; ; attempt++) {
      const response = await this.follow(method, url, { ...headers, ...(authorization ? { authorization } : {}) });
      if (response.statusCode === 401 && attempt === 0) {
        const challenges = parseWwwAuthenticate(header(response.headers, 'www-authenticate') ?? '');
        await response.body.dump();
        authorization = await this.auth.answer(target, repository, challenges, authorization);
        continue;
      }
      if (response.statusCode >= 200 && response.statusCode < 300) return response;
      if (response.statusCode === 401) this.auth.forget(target, repository);
      throw await failure(response, `${method} ${path}`);
    }
  }

  /** Sends a request, following redirects up to the limit; network failures and timeouts become `unavailable`. */
  private async follow(method: 'GET' | 'HEAD', url: string, headers: Record<string, string>): Promise<Dispatcher.ResponseData> {
    let current = new URL(url);
    const origin = current.origin;
    for (let hop = 0; ; hop++) {
      const sent: Record<string, string> = { ...headers, 'user-agent': this.userAgent };
      if (current.origin !== origin) delete sent.authorization;
      await this.checkLiteralAddress(current);
      const response = await request(current, { method, headers: sent, dispatcher: this.agent, highWaterMark: BODY_BUFFER_BYTES }).catch((error: Error) => {
        throw new UpstreamError('unavailable', `the upstream cannot be reached: ${describe(error)}`);
      });
      const location = header(response.headers, 'location');
      if (![301, 302, 303, 307, 308].includes(response.statusCode) || !location) return response;
      await response.body.dump();
      if (hop >= this.maxRedirects) throw new UpstreamError('unavailable', `the upstream redirected more than ${this.maxRedirects} times`);
      current = new URL(location, current);
      if (current.protocol !== 'https:' && current.protocol !== 'http:') throw new UpstreamError('invalid', 'the upstream redirected to a URL that is not HTTP');
    }
  }

  /**
   * An address in the URL itself is never looked up (the connection's lookup hook does not run): checked here, for
   * the upstream, each redirect and each token realm alike.
   */
  private async checkLiteralAddress(url: URL): Promise<void> {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (!isIP(host) || (await this.allowLocalRequests())) return;
    try {
      assertPublic([host]);
    } catch (error) {
      throw new UpstreamError('unavailable', `the upstream cannot be reached: ${(error as Error).message}`);
    }
  }

  private async fetchToken(realm: string, query: URLSearchParams, authorization: string | undefined): Promise<{ token: string; expiresInSeconds: number }> {
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new UpstreamError('invalid', 'the upstream named a token realm that is not a URL');
    }
    for (const [name, value] of query) url.searchParams.set(name, value);
    const response = await this.follow('GET', url.toString(), authorization ? { authorization } : {});
    if (response.statusCode !== 200) {
      const error = await failure(response, 'token request');
      // A token server refusing us is the upstream refusing the credentials, whatever status it chose.
      throw error.kind === 'not_found' || error.kind === 'invalid' ? new UpstreamError('unauthorized', error.message, error.details) : error;
    }
    const bytes = await readBounded(response, MAX_TOKEN_RESPONSE_BYTES, 'token response');
    try {
      return parseTokenResponse(JSON.parse(bytes.toString('utf8')));
    } catch (error) {
      if (error instanceof UpstreamError) throw error;
      throw new UpstreamError('invalid', 'the upstream token server answered with something that is not JSON');
    }
  }
}

/**
 * The connections' DNS lookup, SSRF guard part three (part one: the URL checked when the upstream is saved): every
 * address a name resolves to at connection time must be public unless local requests are allowed, so a name that
 * re-resolves to a loopback or private address after it was checked (DNS rebinding) is refused, not connected to.
 */
function guardedLookup(allowLocalRequests: () => Promise<boolean>): LookupFunction {
  return ((hostname: string, options: { all?: boolean; family?: number }, callback: (...args: unknown[]) => void) => {
    dnsLookup(hostname, { ...options, all: true, verbatim: true }, (error, entries) => {
      if (error) return callback(error);
      allowLocalRequests()
        .then((allowLocal) => {
          if (!allowLocal) assertPublic(entries.map((entry) => entry.address));
          if (options?.all) callback(null, entries);
          else callback(null, entries[0].address, entries[0].family);
        })
        .catch((refused: Error) => callback(refused));
    });
  }) as unknown as LookupFunction;
}

function acceptHeader(accept: string[]): string {
  return (accept.length > 0 ? accept : DEFAULT_MANIFEST_ACCEPT).join(', ');
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `RateLimit-Remaining: 76;w=21600` (Docker Hub) or a bare number. */
function rateLimitRemaining(headers: IncomingHttpHeaders): number | undefined {
  const value = header(headers, 'ratelimit-remaining');
  if (value === undefined) return undefined;
  const count = Number.parseInt(value, 10);
  return Number.isFinite(count) ? count : undefined;
}

/** Reads a body up to `max` bytes; beyond it the answer is refused (and the connection dropped). */
async function readBounded(response: Dispatcher.ResponseData, max: number, what: string): Promise<Buffer> {
  const declared = Number(header(response.headers, 'content-length'));
  if (Number.isFinite(declared) && declared > max) {
    discard(response.body);
    throw new UpstreamError('invalid', `the upstream's ${what} is ${declared} bytes, over the ${max} byte limit`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > max) {
        discard(response.body);
        throw new UpstreamError('invalid', `the upstream's ${what} is over the ${max} byte limit`);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof UpstreamError) throw error;
    throw new UpstreamError('unavailable', `the upstream's ${what} broke off: ${describe(error as Error)}`);
  }
  return Buffer.concat(chunks);
}

async function failure(response: Dispatcher.ResponseData, what: string): Promise<UpstreamError> {
  await response.body.dump().catch(() => undefined);
  const status = response.statusCode;
  const retryAfter = Number(header(response.headers, 'retry-after'));
  return new UpstreamError(errorKindOfStatus(status), `the upstream answered ${status} to ${what}`, {
    status,
    ...(Number.isFinite(retryAfter) && retryAfter >= 0 ? { retryAfterSeconds: retryAfter } : {}),
  });
}

/** Drops a body mid-way (the connection goes with it); undici reports that as an error nobody needs to hear. */
function discard(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}

function describe(error: Error): string {
  const code = (error as { code?: string }).code;
  return code ? `${code}: ${error.message}` : error.message;
}
