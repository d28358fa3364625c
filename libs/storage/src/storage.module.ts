import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { LocalDiskStorage } from './local-disk.storage';
import { STORAGE } from './storage';

/** The storage driver for the app (local disk under STORAGE_DIR). */
@Global()
@Module({
  providers: [
    {
      provide: STORAGE,
      inject: [ConfigService],
      useFactory: (config: ConfigService) =>
        new LocalDiskStorage(config.getOrThrow<string>('STORAGE_DIR')),
    },
  ],
  exports: [STORAGE],
})
export class StorageModule {}
