export * from './queues';
export * from './job-producer';
