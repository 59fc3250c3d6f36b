/**
 * Content descriptors (OCI image-spec "Descriptor"), validated from untrusted
 * JSON. Every failure is MANIFEST_INVALID naming the offending field, because a
 * descriptor only ever reaches us inside a manifest.
 */
import { parseDigest } from './digest';
import { RegistryError } from './errors';

export interface Platform {
  architecture: string;
  os: string;
  osVersion?: string;
  osFeatures?: string[];
  variant?: string;
  features?: string[];
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
  platform?: Platform;
  /** Where non-distributable layers can be fetched from instead of this registry. */
  urls?: string[];
}

// RFC 6838 `type-name "/" subtype-name`, which the image-spec requires of mediaType.
const MEDIA_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;

export function manifestInvalid(message: string, detail?: unknown): RegistryError {
  return new RegistryError('MANIFEST_INVALID', message, detail);
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isMediaType(v: unknown): v is string {
  return typeof v === 'string' && MEDIA_TYPE.test(v);
}

export function readMediaType(v: unknown, field: string): string {
  if (!isMediaType(v)) throw manifestInvalid(`${field}: must be a valid media type`, { field });
  return v;
}

function readString(v: unknown, field: string): string {
  if (typeof v !== 'string') throw manifestInvalid(`${field}: must be a string`, { field });
  return v;
}

function readStringArray(v: unknown, field: string): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
    throw manifestInvalid(`${field}: must be an array of strings`, { field });
  }
  return [...v];
}

export function readAnnotations(v: unknown, field: string): Record<string, string> {
  if (!isPlainObject(v)) throw manifestInvalid(`${field}: must be an object`, { field });
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') throw manifestInvalid(`${field}: values must be strings`, { field, key: k });
    // defineProperty so a key named "__proto__" stays plain data.
    Object.defineProperty(out, k, { value: val, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function readPlatform(v: unknown, field: string): Platform {
  if (!isPlainObject(v)) throw manifestInvalid(`${field}: must be an object`, { field });
  const p: Platform = {
    architecture: readString(v.architecture, `${field}.architecture`),
    os: readString(v.os, `${field}.os`),
  };
  if (v['os.version'] !== undefined) p.osVersion = readString(v['os.version'], `${field}.os.version`);
  if (v['os.features'] !== undefined) p.osFeatures = readStringArray(v['os.features'], `${field}.os.features`);
  if (v.variant !== undefined) p.variant = readString(v.variant, `${field}.variant`);
  if (v.features !== undefined) p.features = readStringArray(v.features, `${field}.features`);
  return p;
}

/** Validates one descriptor; `field` (e.g. `layers[2]`) locates it in error messages. */
export function parseDescriptor(v: unknown, field: string): Descriptor {
  if (!isPlainObject(v)) throw manifestInvalid(`${field}: must be a descriptor object`, { field });

  const mediaType = readMediaType(v.mediaType, `${field}.mediaType`);

  if (typeof v.digest !== 'string') throw manifestInvalid(`${field}.digest: must be a string`, { field });
  try {
    parseDigest(v.digest);
  } catch (e) {
    const reason = e instanceof Error ? e.message : 'invalid digest';
    throw manifestInvalid(`${field}.digest: ${reason}`, { field: `${field}.digest` });
  }

  const size = v.size;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw manifestInvalid(`${field}.size: must be a non-negative integer`, { field: `${field}.size` });
  }

  const d: Descriptor = { mediaType, digest: v.digest, size };
  if (v.artifactType !== undefined) d.artifactType = readMediaType(v.artifactType, `${field}.artifactType`);
  if (v.annotations !== undefined) d.annotations = readAnnotations(v.annotations, `${field}.annotations`);
  if (v.platform !== undefined) d.platform = readPlatform(v.platform, `${field}.platform`);
  if (v.urls !== undefined) d.urls = readStringArray(v.urls, `${field}.urls`);
  // Embedded content is not kept, but a wrong type still marks a broken manifest.
  if (v.data !== undefined) readString(v.data, `${field}.data`);
  return d;
}
