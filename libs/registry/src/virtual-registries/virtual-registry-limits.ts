/** GitLab's limits for container virtual registries (VirtualRegistries::Container). */
export const MAX_REGISTRIES_PER_GROUP = 5;
export const MAX_UPSTREAMS_PER_REGISTRY = 5;
export const MAX_NAME_LENGTH = 255;
export const MAX_DESCRIPTION_LENGTH = 1024;
export const MAX_URL_LENGTH = 255;
/** Largest cache validity an upstream may ask for: a year. */
export const MAX_CACHE_VALIDITY_HOURS = 8760;
