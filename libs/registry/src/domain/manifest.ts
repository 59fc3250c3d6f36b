/**
 * Manifest validation for PUT /v2/<name>/manifests/<reference>: Docker schema2
 * manifests and manifest lists, OCI image manifests, indexes and artifacts
 * (image-spec and distribution-spec v1.1). Pure: bytes in, facts out.
 */
import { RegistryError, truncateForMessage } from './errors';
import {
  type Descriptor,
  isPlainObject,
  manifestInvalid,
  parseDescriptor,
  readAnnotations,
  readMediaType,
} from './descriptor';
import { jsonNestingDepth } from './json-depth';
import { findDuplicateKey } from './json-duplicate-keys';
import {
  MEDIA_TYPE_OCI_EMPTY,
  MEDIA_TYPE_OCI_INDEX,
  MEDIA_TYPE_OCI_MANIFEST,
  isIndexMediaType,
  isManifestMediaType,
  isNonDistributableLayerMediaType,
  isSchema1MediaType,
  normalizeMediaType,
} from './media-types';

export type ManifestKind = 'image' | 'index';

export interface ParsedManifest {
  mediaType: string;
  kind: ManifestKind;
  config?: Descriptor;
  layers: Descriptor[];
  manifests: Descriptor[];
  subject?: Descriptor;
  /** The manifest's `artifactType`, else its config's media type unless that is the empty config. */
  artifactType?: string;
  annotations?: Record<string, string>;
}

/** Same limit as Docker's registry; larger bodies are refused (MANIFEST_TOO_LARGE). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** Real manifests nest about 5 deep; anything past this is an attack or a bug. */
export const MAX_MANIFEST_DEPTH = 64;

// Header values that say "some JSON" rather than which manifest; clients that
// send them rely on the mediaType field or on inference.
const GENERIC_CONTENT_TYPES = new Set(['', 'application/json', 'application/octet-stream']);

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decodeJsonObject(bytes: Uint8Array): Record<string, unknown> {
  if (bytes.length > MAX_MANIFEST_BYTES) {
    throw new RegistryError('MANIFEST_TOO_LARGE', `manifest exceeds the maximum size of ${MAX_MANIFEST_BYTES} bytes`, { size: bytes.length, limit: MAX_MANIFEST_BYTES });
  }
  if (jsonNestingDepth(bytes, MAX_MANIFEST_DEPTH) > MAX_MANIFEST_DEPTH) {
    throw manifestInvalid(`manifest nests deeper than ${MAX_MANIFEST_DEPTH} levels`);
  }
  let doc: unknown;
  try {
    // ignoreBOM keeps a BOM in the text so JSON.parse refuses it, as Go clients would.
    doc = JSON.parse(utf8.decode(bytes));
  } catch {
    throw manifestInvalid('manifest is not valid JSON');
  }
  if (!isPlainObject(doc)) throw manifestInvalid('manifest is not valid JSON: expected an object');
  // After JSON.parse, which has checked the syntax the scanner relies on.
  const duplicate = findDuplicateKey(bytes);
  if (duplicate) {
    const key = truncateForMessage(duplicate.key);
    const at = duplicate.path === '' ? 'the top level' : truncateForMessage(duplicate.path);
    throw manifestInvalid(`manifest has the key "${key}" twice in ${at}`, { key, path: duplicate.path === '' ? '' : at });
  }
  return doc;
}

/**
 * The manifest's media type: its own `mediaType` field when present, else the
 * Content-Type header, else inferred from its shape. Field and header must
 * agree (distribution-spec), so a client cannot store one thing under another
 * thing's type.
 */
function resolveMediaType(doc: Record<string, unknown>, contentType: string | undefined): string {
  let fromBody: string | undefined;
  if (doc.mediaType !== undefined) fromBody = normalizeMediaType(readMediaType(doc.mediaType, 'mediaType'));
  const header = normalizeMediaType(contentType);
  const fromHeader = GENERIC_CONTENT_TYPES.has(header) ? undefined : header;

  if (fromBody !== undefined && fromHeader !== undefined && fromBody !== fromHeader) {
    throw manifestInvalid(`manifest mediaType "${fromBody}" does not match Content-Type "${fromHeader}"`, {
      mediaType: fromBody,
      contentType: fromHeader,
    });
  }
  const declared = fromBody ?? fromHeader;
  if (declared !== undefined) {
    if (!isManifestMediaType(declared)) {
      throw manifestInvalid(`unsupported manifest media type "${declared}"`, { mediaType: declared });
    }
    return declared;
  }
  if (Array.isArray(doc.manifests)) return MEDIA_TYPE_OCI_INDEX;
  if (doc.config !== undefined) return MEDIA_TYPE_OCI_MANIFEST;
  throw manifestInvalid('cannot determine manifest media type: set mediaType or Content-Type');
}

function parseDescriptorArray(v: unknown, field: string): Descriptor[] {
  if (!Array.isArray(v)) throw manifestInvalid(`${field}: must be an array`, { field });
  return v.map((d, i) => parseDescriptor(d, `${field}[${i}]`));
}

export function parseManifest(bytes: Uint8Array, contentType: string | undefined): ParsedManifest {
  const doc = decodeJsonObject(bytes);

  if (doc.schemaVersion === 1 || isSchema1MediaType(contentType) || isSchema1MediaType(asString(doc.mediaType))) {
    throw manifestInvalid('schema1 manifests are not supported');
  }
  if (doc.schemaVersion !== 2) throw manifestInvalid('schemaVersion must be 2');

  const mediaType = resolveMediaType(doc, contentType);
  const kind: ManifestKind = isIndexMediaType(mediaType) ? 'index' : 'image';

  // Refuse documents that read as both kinds (CVE-2021-41190): otherwise the
  // same bytes could be interpreted differently by different clients.
  if (kind === 'image' && doc.manifests !== undefined) {
    throw manifestInvalid('image manifest must not contain "manifests"');
  }
  if (kind === 'index' && (doc.config !== undefined || doc.layers !== undefined)) {
    throw manifestInvalid('index must not contain "config" or "layers"');
  }

  const out: ParsedManifest = { mediaType, kind, layers: [], manifests: [] };
  if (kind === 'image') {
    if (doc.config === undefined) throw manifestInvalid('config: required in an image manifest', { field: 'config' });
    out.config = parseDescriptor(doc.config, 'config');
    // Empty layers are allowed: OCI artifacts may have none.
    out.layers = parseDescriptorArray(doc.layers, 'layers');
  } else {
    out.manifests = parseDescriptorArray(doc.manifests, 'manifests');
  }
  if (doc.subject !== undefined) out.subject = parseDescriptor(doc.subject, 'subject');
  if (doc.annotations !== undefined) out.annotations = readAnnotations(doc.annotations, 'annotations');

  // The referrers API reports this; the empty config carries no type information,
  // so an artifact missing artifactType gets none rather than a misleading one.
  if (doc.artifactType !== undefined) {
    out.artifactType = readMediaType(doc.artifactType, 'artifactType');
  } else if (out.config && out.config.mediaType !== MEDIA_TYPE_OCI_EMPTY) {
    out.artifactType = out.config.mediaType;
  }
  return out;
}

function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/**
 * Blobs that must exist in the repository before the manifest is accepted, in
 * order and without duplicates. Non-distributable layers with `urls` live
 * elsewhere and are not required.
 */
export function referencedBlobs(m: ParsedManifest): string[] {
  if (m.kind !== 'image') return [];
  const digests: string[] = [];
  if (m.config) digests.push(m.config.digest);
  for (const l of m.layers) {
    if (isNonDistributableLayerMediaType(l.mediaType) && l.urls && l.urls.length > 0) continue;
    digests.push(l.digest);
  }
  return [...new Set(digests)];
}

/** Child manifests an index needs, in order and without duplicates. */
export function referencedManifests(m: ParsedManifest): string[] {
  if (m.kind !== 'index') return [];
  return [...new Set(m.manifests.map((d) => d.digest))];
}

