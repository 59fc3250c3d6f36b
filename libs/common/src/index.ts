export * from './logger';
export * from './metrics';
export * from './redact-url';
export * from './malloc-env';
