export * from './media-job.messages';
export * from './job-snapshot';
