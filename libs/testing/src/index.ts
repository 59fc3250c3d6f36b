export * from './ports';
export * from './test-database';
export * from './platform-process';
export * from './oci-layout';
export * from './registry-client';
export * from './seed';
export * from './registry-session';
export * from './test-redis';
