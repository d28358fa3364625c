export * from './job-transitions';
export * from './job-lifecycle';
export * from './job-lifecycle.module';
export * from './task-backlog';
