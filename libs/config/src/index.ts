export * from './app-config';
export { EnvironmentVariables } from './environment';
