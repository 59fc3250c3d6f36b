export * from './tokens';
export * from './core.module';
export * from './registry-context.module';
export * from './registry-changes';
export * from './redis-counters';
