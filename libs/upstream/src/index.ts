export * from './upstream-error';
export * from './upstream-target';
export * from './upstream-registry.client';
export { DEFAULT_MANIFEST_ACCEPT } from './media-types';
export * from './fetch-leases';
export * from './pull-through.service';
