import { registryBytes } from '@cargohold/common';
import { BlobService, formatContentRange, parseRangeHeader } from '@cargohold/registry';
import { header, RegistryRequest, send } from './registry-http';

/** GET/HEAD/DELETE on /v2/<name>/blobs/<digest>: streamed from the store, with ranges and caching headers. */
export class BlobHandler {
  constructor(private readonly blobs: BlobService) {}

  async get(request: RegistryRequest, name: string, digest: string): Promise<void> {
    const { req, res, method } = request;
    const blob = await this.blobs.stat(name, digest);
    const etag = `"${blob.digest}"`;
    const common = {
      'Docker-Content-Digest': blob.digest,
      ETag: etag,
      'Accept-Ranges': 'bytes',
      'Cache-Control': 'max-age=31536000',
    };
    if (header(req, 'if-none-match') === etag) {
      send(res, 304, common);
      return;
    }
    const range = parseRangeHeader(header(req, 'range'), blob.size) ?? undefined;
    const length = range ? range.end - range.start + 1 : blob.size;
    const headers: Record<string, string | number> = { ...common, 'Content-Type': 'application/octet-stream', 'Content-Length': length };
    if (range) headers['Content-Range'] = formatContentRange(range, blob.size);
    if (method === 'HEAD') {
      send(res, range ? 206 : 200, headers);
      return;
    }
    const redirect = await this.blobs.redirectUrl(blob.digest);
    if (redirect) {
      send(res, 307, { ...common, Location: redirect });
      return;
    }
    const download = await this.blobs.open(blob.digest, range);
    for (const [key, value] of Object.entries(headers)) res.setHeader(key, value);
    res.writeHead(range ? 206 : 200);
    try {
      await download.sendTo(res);
    } catch (error) {
      // Clients routinely hang up mid-blob (a cancelled pull, a probe that read enough): not a server failure.
      if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
      request.log.debug({ digest: blob.digest, sent: download.sent }, 'client closed the blob download early');
    } finally {
      registryBytes.inc({ direction: 'out' }, download.sent);
    }
  }

  async delete(request: RegistryRequest, name: string, digest: string): Promise<void> {
    await this.blobs.delete(name, digest);
    send(request.res, 202);
  }
}
