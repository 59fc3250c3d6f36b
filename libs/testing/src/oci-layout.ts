import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { architecture: string; os: string };
}

export interface BuiltImage {
  manifest: Descriptor;
  config: Descriptor;
  layers: Descriptor[];
}

export interface BuiltLayout {
  dir: string;
  images: BuiltImage[];
  /** The descriptor index.json points to under the tag: an image manifest, or an index of all images. */
  top: Descriptor;
}

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function writeBlob(layoutDir: string, bytes: Buffer): string {
  const digest = sha256(bytes);
  writeFileSync(path.join(layoutDir, 'blobs', 'sha256', digest.slice(7)), bytes);
  return digest;
}

/** A real gzipped tar layer holding the given files, made with the system tar. */
function makeLayer(files: Record<string, Buffer | string>): Buffer {
  const work = mkdtempSync(path.join(tmpdir(), 'layer-'));
  try {
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(work, 'root', name)), { recursive: true });
      writeFileSync(path.join(work, 'root', name), content);
    }
    const out = path.join(work, 'layer.tar.gz');
    execFileSync('tar', ['--sort=name', '--mtime=@0', '--owner=0', '--group=0', '-czf', out, '-C', path.join(work, 'root'), '.']);
    return readFileSync(out);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export interface ImageSpec {
  architecture?: string;
  /** One entry per layer: file name → content. */
  layers: Array<Record<string, Buffer | string>>;
}

/**
 * Writes an OCI image layout (what `skopeo copy oci:DIR:TAG` reads) with one image, or with an image index
 * of several platform images when more than one spec is given.
 */
export function buildOciLayout(dir: string, tag: string, specs: ImageSpec[]): BuiltLayout {
  mkdirSync(path.join(dir, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const images = specs.map((spec) => writeImage(dir, spec));
  let top: Descriptor;
  if (images.length === 1) {
    top = images[0].manifest;
  } else {
    const index = Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: images.map((image) => image.manifest) }),
    );
    top = { mediaType: 'application/vnd.oci.image.index.v1+json', digest: writeBlob(dir, index), size: index.length };
  }
  const entry = { ...top, annotations: { 'org.opencontainers.image.ref.name': tag } };
  writeFileSync(path.join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [entry] }));
  return { dir, images, top };
}

function writeImage(dir: string, spec: ImageSpec): BuiltImage {
  const architecture = spec.architecture ?? 'amd64';
  const layers: Descriptor[] = [];
  const diffIds: string[] = [];
  for (const files of spec.layers) {
    const bytes = makeLayer(files);
    diffIds.push(sha256(gunzipSync(bytes)));
    layers.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: writeBlob(dir, bytes), size: bytes.length });
  }
  const configBytes = Buffer.from(
    JSON.stringify({
      architecture,
      os: 'linux',
      created: '2026-01-01T00:00:00Z',
      config: { Env: ['PATH=/usr/bin'], Labels: { nonce: randomBytes(4).toString('hex') } },
      rootfs: { type: 'layers', diff_ids: diffIds },
    }),
  );
  const config = { mediaType: 'application/vnd.oci.image.config.v1+json', digest: writeBlob(dir, configBytes), size: configBytes.length };
  const manifestBytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config, layers }));
  const manifest: Descriptor = {
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: writeBlob(dir, manifestBytes),
    size: manifestBytes.length,
    platform: { architecture, os: 'linux' },
  };
  return { manifest, config, layers };
}
