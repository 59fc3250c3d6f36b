/** Injection tokens for the platform's shared resources. */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const BLOB_STORE = Symbol('BLOB_STORE');
export const REDIS = Symbol('REDIS');
export const LOGGER = Symbol('LOGGER');
/** The process's registry event sink (libs/registry RegistryEventSink): webhooks and the audit trail. */
export const REGISTRY_EVENT_SINK = Symbol('REGISTRY_EVENT_SINK');
/** The process's registry change notifier (libs/registry RegistryChangeNotifier): keeps manifest caches coherent. */
export const REGISTRY_CHANGE_NOTIFIER = Symbol('REGISTRY_CHANGE_NOTIFIER');
/** The api's manifest cache (libs/registry ManifestCache); no other process provides one. */
export const MANIFEST_CACHE = Symbol('MANIFEST_CACHE');
