export * from './media-job.messages';
export * from './job-snapshot';
export * from './media-task.messages';
