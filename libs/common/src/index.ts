export * from './logger';
export * from './metrics';
export * from './redact-url';
export * from './heap-tuning';
export * from './malloc-env';
export * from './json-bytes';
export * from './json-scan';
export * from './parent-link';
