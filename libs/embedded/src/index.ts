export { startEmbeddedPostgres, connectPostgres, EMBEDDED_PG_DATABASE } from './embedded-postgres';
export type { EmbeddedServer, EmbeddedPgState } from './embedded-postgres';
export { startEmbeddedRedis, REDIS_NOT_FOUND_MESSAGE } from './embedded-redis';
export type { EmbeddedRedisState } from './embedded-redis';
