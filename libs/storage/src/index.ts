export * from './azure-blob-store';
export * from './azure-client';
export * from './azure-config';
export * from './blob-store';
export * from './create-blob-store';
export * from './filesystem-blob-store';
export * from './published-blob';
export * from './s3-blob-store';
export * from './s3-config';
export * from './storage-keys';
// blob-store.suite.ts is deliberately not exported: it registers jest tests. Import it by path from specs.
// So is s3-test-server.suite.ts: it needs s3rver, a devDependency absent from production installs.
