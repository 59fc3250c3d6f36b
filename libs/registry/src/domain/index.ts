// The registry's pure OCI domain: parsing and validation with no I/O.
export * from './errors';
export * from './digest';
export * from './name';
export * from './reference';
export * from './media-types';
export * from './descriptor';
export * from './json-depth';
export * from './json-duplicate-keys';
export * from './manifest';
export * from './descriptor-sizes';
export * from './range';
