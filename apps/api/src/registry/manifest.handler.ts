import {
  CatalogService,
  DEFAULT_CATALOG_PAGE_SIZE,
  effectivePageSize,
  ManifestService,
  MANIFEST_MEDIA_TYPES,
  MAX_MANIFEST_BYTES,
  MAX_PAGE_SIZE,
  PullStatistics,
  referrersIndex,
  RegistryError,
  TagService,
} from '@cargohold/registry';
import { PublicUrlOf } from '../http/public-url';
import { header, pageSize, readBody, RegistryRequest, send, sendJson } from './registry-http';
import { RegistryPrincipal } from './registry-access';
import { eventActor } from './event-actor';

/** Manifests, tags/list, the catalog and the referrers API. */
export class ManifestHandler {
  constructor(
    private readonly manifests: ManifestService,
    private readonly tags: TagService,
    private readonly catalog: CatalogService,
    /** PUBLIC_URL (or a trusted proxy's address), for absolute Location headers (pagination Links stay relative, as distribution's are). */
    private readonly publicUrl: PublicUrlOf,
    /** Counts every answered GET (not HEAD) in memory; null when recording is off. */
    private readonly pulls: PullStatistics | null = null,
  ) {}

  async get(request: RegistryRequest, name: string, reference: string): Promise<void> {
    const { req, res, method } = request;
    const manifest = method === 'HEAD' ? await this.manifests.head(name, reference) : await this.manifests.get(name, reference);
    if (!accepts(header(req, 'accept'), manifest.mediaType)) {
      throw new RegistryError('MANIFEST_UNKNOWN', `the manifest is ${manifest.mediaType}, which the Accept header does not allow`, {
        mediaType: manifest.mediaType,
      });
    }
    const headers = {
      'Content-Type': manifest.mediaType,
      'Docker-Content-Digest': manifest.digest,
      ETag: `"${manifest.digest}"`,
    };
    if ('payload' in manifest) {
      send(res, 200, headers, manifest.payload);
      // A pull is a GET (a HEAD checks for updates); a tag never contains ':', a digest always does.
      if (method === 'GET') this.pulls?.record(manifest.id, reference.includes(':') ? null : reference);
    } else {
      send(res, 200, { ...headers, 'Content-Length': manifest.size });
    }
  }

  async put(request: RegistryRequest, name: string, reference: string, principal?: RegistryPrincipal): Promise<void> {
    const payload = await readBody(request.req, MAX_MANIFEST_BYTES);
    const level = principal?.accessLevel(name) ?? 0;
    const pushed = await this.manifests.put(name, reference, payload, header(request.req, 'content-type'), eventActor(request, principal), level);
    const headers: Record<string, string> = {
      Location: `${this.publicUrl(request.req)}/v2/${name}/manifests/${pushed.digest}`,
      'Docker-Content-Digest': pushed.digest,
    };
    if (pushed.subjectDigest) headers['OCI-Subject'] = pushed.subjectDigest;
    send(request.res, 201, headers);
  }

  async delete(request: RegistryRequest, name: string, reference: string, principal?: RegistryPrincipal): Promise<void> {
    await this.manifests.delete(name, reference, eventActor(request, principal), principal?.accessLevel(name) ?? 0);
    send(request.res, 202);
  }

  /**
   * One page of referrers; when there are more, a `Link: <...>; rel="next"` names the next page (the spec's wording:
   * a Link header MUST be included when the descriptor list cannot be returned in a single index), keeping `n` and
   * `artifactType` and moving `last` to the page's last digest.
   */
  async referrers(request: RegistryRequest, name: string, digest: string): Promise<void> {
    const artifactType = request.query.get('artifactType') ?? undefined;
    const n = pageSize(request.query);
    const page = await this.manifests.referrers(name, digest, { artifactType, n, last: request.query.get('last') ?? undefined });
    const headers: Record<string, string> = { 'Content-Type': 'application/vnd.oci.image.index.v1+json' };
    if (artifactType !== undefined) headers['OCI-Filters-Applied'] = 'artifactType';
    if (page.next !== undefined) {
      const next = new URLSearchParams();
      if (n !== undefined) next.set('n', String(n));
      if (artifactType !== undefined) next.set('artifactType', artifactType);
      next.set('last', page.next);
      headers.Link = `</v2/${name}/referrers/${digest}?${next.toString()}>; rel="next"`;
    }
    send(request.res, 200, headers, referrersIndex(page));
  }

  async tagsList(request: RegistryRequest, name: string): Promise<void> {
    const n = effectivePageSize(pageSize(request.query), MAX_PAGE_SIZE);
    const page = await this.tags.list(name, n, request.query.get('last') ?? undefined);
    const headers: Record<string, string> = {};
    if (page.next !== undefined) headers.Link = `</v2/${name}/tags/list?n=${n}&last=${encodeURIComponent(page.next)}>; rel="next"`;
    sendJson(request.res, 200, { name, tags: page.items }, headers);
  }

  async catalogList(request: RegistryRequest, principal: RegistryPrincipal): Promise<void> {
    if (!principal.isAdmin) throw new RegistryError('DENIED', 'the catalog is available to administrators only');
    const n = effectivePageSize(pageSize(request.query), DEFAULT_CATALOG_PAGE_SIZE);
    const page = await this.catalog.list(n, request.query.get('last') ?? undefined);
    const headers: Record<string, string> = {};
    if (page.next !== undefined) headers.Link = `</v2/_catalog?n=${n}&last=${encodeURIComponent(page.next)}>; rel="next"`;
    sendJson(request.res, 200, { repositories: page.items }, headers);
  }
}

/**
 * Accept negotiation: a client that names manifest media types but not this one (and no wildcard) gets 404,
 * as distribution does; clients that send no Accept, or only unrelated types, get the manifest as stored.
 */
function accepts(acceptHeader: string | undefined, mediaType: string): boolean {
  if (!acceptHeader) return true;
  const accepted = acceptHeader.split(',').map((part) => part.split(';')[0].trim().toLowerCase());
  if (accepted.includes(mediaType) || accepted.includes('*/*') || accepted.includes('application/*')) return true;
  return !accepted.some((type) => MANIFEST_MEDIA_TYPES.includes(type));
}
