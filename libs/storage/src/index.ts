export * from './storage';
export * from './local-disk.storage';
export * from './storage.module';
