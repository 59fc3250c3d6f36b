export * from './blob-store';
export * from './create-blob-store';
export * from './filesystem-blob-store';
export * from './storage-keys';
// blob-store.suite.ts is deliberately not exported: it registers jest tests. Import it by path from specs.
