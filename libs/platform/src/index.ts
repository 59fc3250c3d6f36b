export * from './tokens';
export * from './core.module';
export * from './registry-context.provider';
export * from './registry-changes';
