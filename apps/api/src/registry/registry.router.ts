import { IncomingMessage, ServerResponse } from 'node:http';
import { Logger } from '@cargohold/common';
import { parsePullThroughPath } from '@cargohold/iam';
import { parseRepositoryName, RegistryError } from '@cargohold/registry';
import { clientAddress } from '../http/client-address';
import { PullRateLimiter, rateLimitHeaders } from '../limits/pull-rate-limiter';
import { BlobHandler } from './blob.handler';
import { ManifestHandler } from './manifest.handler';
import { PullThroughHandler } from './pull-through.handler';
import { RegistryAccessGuard, RegistryPrincipal } from './registry-access';
import { RegistryRequest, sendError, sendJson } from './registry-http';
import { matchRegistryRoute, RegistryRoute, requiredActions } from './registry-routes';
import { UploadHandler } from './upload.handler';

const API_VERSION_HEADER = 'Docker-Distribution-API-Version';

/**
 * The /v2/ surface, served on the raw Node request rather than through Express and Nest's router:
 * repository names contain slashes, request bodies are streamed straight into storage, and the
 * manifest GET hot path pays for no middleware.
 */
export class RegistryRouter {
  constructor(
    private readonly guard: RegistryAccessGuard,
    private readonly uploads: UploadHandler,
    private readonly blobs: BlobHandler,
    private readonly manifests: ManifestHandler,
    private readonly pullLimiter?: PullRateLimiter,
    /** Virtual registries and the dependency proxy; without it their paths are ordinary (unknown) repositories. */
    private readonly pullThrough?: PullThroughHandler,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, log: Logger): Promise<void> {
    const rawUrl = req.url ?? '/';
    const queryAt = rawUrl.indexOf('?');
    const pathname = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
    const request: RegistryRequest = {
      req,
      res,
      method: req.method ?? 'GET',
      query: new URLSearchParams(queryAt === -1 ? '' : rawUrl.slice(queryAt + 1)),
      log,
    };
    res.setHeader(API_VERSION_HEADER, 'registry/2.0');
    // Blobs are arbitrary bytes: a browser must never sniff one into HTML or script.
    res.setHeader('X-Content-Type-Options', 'nosniff');
    try {
      const route = matchRegistryRoute(pathname);
      if (!route) throw new RegistryError('NAME_UNKNOWN', 'unknown registry endpoint', { path: pathname.slice(0, 256) });
      const name = 'name' in route ? parseRepositoryName(route.name).path : null;
      const decision = await this.guard.authorize(req, name, requiredActions(route, request.method));
      if (!decision.allowed) {
        if (decision.challenge) res.setHeader('WWW-Authenticate', decision.challenge);
        throw new RegistryError(decision.status === 401 ? 'UNAUTHORIZED' : 'DENIED', decision.message);
      }
      // A pull is a manifest GET, as Docker Hub counts them (HEAD, used to check for updates, is free).
      if (route.kind === 'manifest' && request.method === 'GET') await this.limitPull(req, res, decision.principal);
      const pullThrough = name !== null && this.pullThrough ? parsePullThroughPath(name) : null;
      if (pullThrough) return await this.pullThrough!.handle(request, route, pullThrough);
      await this.dispatch(request, route, decision.principal);
    } catch (error) {
      sendError(request, error);
    }
  }

  private async dispatch(request: RegistryRequest, route: RegistryRoute, principal: RegistryPrincipal): Promise<void> {
    const method = request.method;
    switch (route.kind) {
      case 'base':
        return this.only(method, ['GET', 'HEAD'], () => sendJson(request.res, 200, {}));
      case 'catalog':
        return this.only(method, ['GET'], () => this.manifests.catalogList(request, principal));
      case 'tags':
        return this.only(method, ['GET'], () => this.manifests.tagsList(request, route.name));
      case 'referrers':
        return this.only(method, ['GET'], () => this.manifests.referrers(request, route.name, route.digest));
      case 'manifest':
        if (method === 'GET' || method === 'HEAD') return this.manifests.get(request, route.name, route.reference);
        // The principal travels on so registry events and the audit trail can say who pushed or deleted.
        if (method === 'PUT') return this.manifests.put(request, route.name, route.reference, principal);
        if (method === 'DELETE') return this.manifests.delete(request, route.name, route.reference, principal);
        return this.unsupported(method);
      case 'uploads':
        return this.only(method, ['POST'], () => this.uploads.start(request, route.name, principal));
      case 'upload':
        if (method === 'PATCH') return this.uploads.patch(request, route.name, route.id);
        if (method === 'PUT') return this.uploads.put(request, route.name, route.id, principal);
        if (method === 'GET') return this.uploads.status(request, route.name, route.id);
        if (method === 'DELETE') return this.uploads.cancel(request, route.name, route.id);
        return this.unsupported(method);
      case 'blob':
        if (method === 'GET' || method === 'HEAD') return this.blobs.get(request, route.name, route.digest);
        if (method === 'DELETE') return this.blobs.delete(request, route.name, route.digest);
        return this.unsupported(method);
    }
  }

  private async limitPull(req: IncomingMessage, res: ServerResponse, principal: RegistryPrincipal): Promise<void> {
    const verdict = await this.pullLimiter?.consume(principal.subject, clientAddress(req));
    if (!verdict) return;
    for (const [name, value] of Object.entries(rateLimitHeaders(verdict))) res.setHeader(name, value);
    if (!verdict.allowed) {
      throw new RegistryError('TOOMANYREQUESTS', `pull rate limit exceeded: ${verdict.limit} manifest pulls per ${verdict.windowSeconds} seconds`, {
        limit: verdict.limit,
        window: verdict.windowSeconds,
        retryAfter: verdict.resetSeconds,
      });
    }
  }

  private async only(method: string, allowed: string[], run: () => unknown): Promise<void> {
    if (!allowed.includes(method)) this.unsupported(method);
    await run();
  }

  private unsupported(method: string): never {
    throw new RegistryError('UNSUPPORTED', `${method} is not supported on this endpoint`);
  }
}
