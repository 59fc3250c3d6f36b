import { formatUploadRange, parseContentRange, RegistryError, UploadChunk, UploadService } from '@cargohold/registry';
import { PublicUrlOf } from '../http/public-url';
import { contentLength, hasBody, header, RegistryRequest, send } from './registry-http';
import { RegistryPrincipal } from './registry-access';
import { cutWhenBodyIdle } from './upload-body-idle';
import { eventActor } from './event-actor';

/** POST/PATCH/PUT/GET/DELETE on /v2/<name>/blobs/uploads/. */
export class UploadHandler {
  constructor(
    private readonly uploads: UploadService,
    /** PUBLIC_URL (or a trusted proxy's address): Location headers are absolute, on the address clients use (as distribution answers). */
    private readonly publicUrl: PublicUrlOf,
    /** REGISTRY_UPLOAD_IDLE_TIMEOUT: an upload body that sends nothing this long is cut (cutWhenBodyIdle). */
    private readonly bodyIdleMs: number,
  ) {}

  /** POST: a mount, a monolithic upload (?digest=) or the start of a session. */
  async start(request: RegistryRequest, name: string, principal: RegistryPrincipal): Promise<void> {
    const { query, res, req } = request;
    const mount = query.get('mount');
    const from = query.get('from');
    if (mount && from && principal.can(from, 'pull') && (await this.uploads.mount(name, mount, from, eventActor(request, principal)))) {
      req.resume();
      send(res, 201, { Location: `${this.publicUrl(req)}/v2/${name}/blobs/${mount}`, 'Docker-Content-Digest': mount });
      return;
    }
    const digest = query.get('digest');
    if (digest && !mount) {
      const blob = await this.uploads.uploadMonolithic(name, digest, this.chunk(request), eventActor(request, principal));
      send(res, 201, { Location: `${this.publicUrl(req)}/v2/${name}/blobs/${blob.digest}`, 'Docker-Content-Digest': blob.digest });
      return;
    }
    req.resume();
    const { id } = await this.uploads.start(name);
    this.sendProgress(request, name, id, 0);
  }

  async patch(request: RegistryRequest, name: string, id: string): Promise<void> {
    const { size } = await this.uploads.append(name, id, this.chunk(request));
    this.sendProgress(request, name, id, size);
  }

  async put(request: RegistryRequest, name: string, id: string, principal: RegistryPrincipal): Promise<void> {
    const digest = request.query.get('digest');
    if (!digest) {
      request.req.resume();
      throw new RegistryError('DIGEST_INVALID', 'the digest query parameter is required to complete an upload');
    }
    const chunk = hasBody(request.req) ? this.chunk(request) : undefined;
    if (!chunk) request.req.resume();
    const blob = await this.uploads.finish(name, id, digest, chunk, eventActor(request, principal));
    send(request.res, 201, {
      Location: `${this.publicUrl(request.req)}/v2/${name}/blobs/${blob.digest}`,
      'Docker-Content-Digest': blob.digest,
    });
  }

  async status(request: RegistryRequest, name: string, id: string): Promise<void> {
    const { size } = await this.uploads.status(name, id);
    this.sendProgress(request, name, id, size, 204);
  }

  async cancel(request: RegistryRequest, name: string, id: string): Promise<void> {
    await this.uploads.cancel(name, id);
    send(request.res, 204);
  }

  private chunk(request: RegistryRequest): UploadChunk {
    const range = header(request.req, 'content-range');
    cutWhenBodyIdle(request.req, this.bodyIdleMs, (error) => request.log.warn({ err: error }, 'upload body idle: cut'));
    return {
      body: request.req,
      range: range === undefined ? undefined : parseContentRange(range),
      length: contentLength(request.req),
    };
  }

  private sendProgress(request: RegistryRequest, name: string, id: string, size: number, status = 202): void {
    send(request.res, status, {
      Location: `${this.publicUrl(request.req)}/v2/${name}/blobs/uploads/${id}`,
      Range: formatUploadRange(size),
      'Docker-Upload-UUID': id,
    });
  }
}
