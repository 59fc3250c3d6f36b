import { pipeline } from 'node:stream/promises';
import { DomainError, registryBytes } from '@cargohold/common';
import { PullThroughPath } from '@cargohold/iam';
import { PullThroughCatalog, RegistryError, UpstreamTarget } from '@cargohold/registry';
import { PullThroughService } from '@cargohold/upstream';
import { header, RegistryRequest, send } from './registry-http';
import { RegistryRoute } from './registry-routes';

/** Where a pull goes: the cache namespace (for the log) and the upstreams in position order. */
interface PullThroughSource {
  scope: string;
  targets: UpstreamTarget[];
}

/**
 * `/v2/virtual_registries/container/<id>/<image>/...` and `/v2/<group>/dependency_proxy/containers/<image>/...`:
 * manifests and blobs (GET, HEAD) pulled through the cache. The token service granted `pull` for the path
 * (RegistryPermissionService.pullThroughActions); this resolves the upstreams in position order and asks the engine.
 */
export class PullThroughHandler {
  constructor(
    private readonly catalog: PullThroughCatalog,
    /** null while no engine is wired: every pull answers 503. */
    private readonly engine: PullThroughService | null,
  ) {}

  async handle(request: RegistryRequest, route: RegistryRoute, path: PullThroughPath): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      throw new RegistryError('UNSUPPORTED', `${request.method} is not supported through the pull-through cache`);
    }
    if (route.kind !== 'manifest' && route.kind !== 'blob') {
      throw new RegistryError('UNSUPPORTED', 'only manifests and blobs can be pulled through the pull-through cache');
    }
    const source = await this.source(path);
    if (!this.engine) throw new RegistryError('UNAVAILABLE', 'the pull-through cache is not available on this server');
    try {
      if (route.kind === 'manifest') await this.manifest(request, source, path.image, route.reference);
      else await this.blob(request, source, path.image, route.digest);
    } catch (error) {
      throw ociError(error, route.kind);
    }
  }

  /** The upstreams in position order, as the catalog gives them to the engine (the engine adds `library/` where due). */
  private async source(path: PullThroughPath): Promise<PullThroughSource> {
    if (path.kind === 'virtual_registry') {
      const found = await this.catalog.registryTargets(path.registryId);
      if (!found) throw new RegistryError('NAME_UNKNOWN', 'no such virtual registry');
      return { scope: `vreg:${path.registryId}`, targets: found.targets };
    }
    const target = await this.catalog.dependencyProxyTargetByPath(path.groupPath);
    if (!target) throw new RegistryError('NAME_UNKNOWN', 'the dependency proxy is not enabled for this group');
    return { scope: `dp:${target.groupId}`, targets: [target] };
  }

  private async manifest(request: RegistryRequest, source: PullThroughSource, image: string, reference: string): Promise<void> {
    const accept = (header(request.req, 'accept') ?? '')
      .split(',')
      .map((value) => value.trim())
      .filter(Boolean);
    const served = await this.engine!.manifest(source.targets, image, reference, accept);
    const headers: Record<string, string | number> = {
      'Content-Type': served.mediaType,
      'Docker-Content-Digest': served.digest,
      ETag: `"${served.digest}"`,
    };
    if (served.warning) {
      headers.Warning = served.warning;
      request.log.warn({ image, reference, scope: source.scope }, 'served a cached manifest past its validity: the upstream failed');
    }
    if (request.method === 'HEAD') send(request.res, 200, { ...headers, 'Content-Length': served.bytes.length });
    else send(request.res, 200, headers, served.bytes);
  }

  private async blob(request: RegistryRequest, source: PullThroughSource, image: string, digest: string): Promise<void> {
    const { req, res } = request;
    const common = { 'Docker-Content-Digest': digest, ETag: `"${digest}"`, 'Accept-Ranges': 'bytes', 'Content-Type': 'application/octet-stream' };
    if (request.method === 'HEAD') {
      const size = await this.engine!.blobSize(source.targets, image, digest);
      send(res, 200, { ...common, 'Content-Length': size });
      return;
    }
    const range = openRange(header(req, 'range'));
    const served = await this.engine!.blob(source.targets, image, digest, range);
    if (served.kind === 'stored') {
      const length = range ? Math.min(range.end, served.size - 1) - range.start + 1 : served.size;
      for (const [key, value] of Object.entries(common)) res.setHeader(key, value);
      res.setHeader('Content-Length', length);
      if (range) res.setHeader('Content-Range', `bytes ${range.start}-${range.start + length - 1}/${served.size}`);
      res.writeHead(range ? 206 : 200);
      try {
        await served.download.sendTo(res);
      } finally {
        registryBytes.inc({ direction: 'out' }, served.download.sent);
      }
      return;
    }
    for (const [key, value] of Object.entries(common)) res.setHeader(key, value);
    if (served.size !== undefined) res.setHeader('Content-Length', served.size);
    if (served.contentRange) res.setHeader('Content-Range', served.contentRange);
    res.writeHead(served.status);
    // An error on the body (upstream cut, digest mismatch) aborts the response: the client sees a failed download.
    await pipeline(served.body, res);
  }
}

/**
 * `bytes=<first>-[<last>]` (what clients resuming a layer send); the size is not known before the engine answers, so
 * a suffix range (`bytes=-<n>`) or anything else is ignored and the whole blob is sent, as HTTP allows.
 */
function openRange(value: string | undefined): { start: number; end: number } | undefined {
  const match = value ? /^bytes=(\d{1,15})-(\d{0,15})$/.exec(value.trim()) : null;
  if (!match) return undefined;
  const start = Number(match[1]);
  const end = match[2] === '' ? Number.MAX_SAFE_INTEGER : Number(match[2]);
  return end >= start ? { start, end } : undefined;
}

/** The engine's domain errors in OCI terms: nothing found upstream is the 404 a registry gives, 429 stays 429. */
function ociError(error: unknown, kind: 'manifest' | 'blob'): unknown {
  if (!(error instanceof DomainError)) return error;
  switch (error.code) {
    case 'NOT_FOUND':
      return new RegistryError(kind === 'manifest' ? 'MANIFEST_UNKNOWN' : 'BLOB_UNKNOWN', error.message);
    case 'TOO_MANY_REQUESTS':
      return new RegistryError('TOOMANYREQUESTS', error.message, { retryAfter: error.retryAfterSeconds });
    case 'UNAUTHORIZED':
    case 'FORBIDDEN':
      return new RegistryError('DENIED', error.message);
    default:
      return new RegistryError('UNAVAILABLE', error.message);
  }
}
