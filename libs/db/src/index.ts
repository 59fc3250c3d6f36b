export { DataSource, EntityManager } from 'typeorm';
export * from './data-source';
export * from './errors';
export * from './migrate';
export * from './typed-query';
export * from './opened-transaction';
