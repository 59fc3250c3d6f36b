export * from './app-config';
export { EnvironmentVariables } from './environment';
export { childProcessEnv, executableSearchPath } from './process-environment';
