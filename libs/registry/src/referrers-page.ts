/**
 * Bounds of one page of the referrers API (docs/api.md "Limits and pagination", docs/security.md "Bounded manifest
 * views and manifest strictness"). A subject may have any number of referrers, each up to MAX_MANIFEST_BYTES; a
 * page lists at most REFERRERS_PAGE_SIZE of them and reads at most REFERRERS_PAGE_PAYLOAD_BYTES of their payloads
 * (for the annotations it lists), then ends with a `Link: <...>; rel="next"`.
 */
export const REFERRERS_PAGE_SIZE = 100;
export const REFERRERS_PAGE_PAYLOAD_BYTES = 4 * 1024 * 1024;

/** One descriptor of the referrers index, as the OCI distribution spec lists it. */
export interface ReferrerDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export interface ReferrersPage {
  descriptors: ReferrerDescriptor[];
  /** The `last` cursor of the next page (a digest), when there are more referrers. */
  next?: string;
}

export interface ReferrersPageRequest {
  artifactType?: string;
  /** The `last` cursor: the digest of the last referrer of the previous page. */
  last?: string;
  /** Wanted page size; clamped to REFERRERS_PAGE_SIZE. */
  n?: number;
}

/** The image index a referrers page is served as. */
export function referrersIndex(page: ReferrersPage): Buffer {
  return Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: page.descriptors }));
}
