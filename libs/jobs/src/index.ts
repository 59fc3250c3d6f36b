export * from './queues';
export * from './job-producer';
export * from './job-ids';
export * from './deadline';
