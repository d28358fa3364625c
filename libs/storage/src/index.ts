export * from './storage';
export * from './local-disk.storage';
export * from './nats-object.storage';
export * from './s3-object.storage';
export * from './local-file-cache';
export * from './storage.module';
export * from './stale-files';
export * from './storage-lifecycle';
