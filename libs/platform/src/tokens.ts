/** Injection tokens for the platform's shared resources. */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const BLOB_STORE = Symbol('BLOB_STORE');
export const REDIS = Symbol('REDIS');
export const LOGGER = Symbol('LOGGER');
