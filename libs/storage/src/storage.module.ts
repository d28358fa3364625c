import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { NatsConnection } from '@nats-io/nats-core';
import { NATS_CONNECTION } from '@app/messaging';
import { LocalDiskStorage } from './local-disk.storage';
import { NatsObjectStorage } from './nats-object.storage';
import { STORAGE, type Storage, type StorageDriver } from './storage';

/** Builds the driver STORAGE_DRIVER names (docs/storage.md). */
export function createStorage(config: ConfigService, nc: NatsConnection): Storage {
  const driver = config.getOrThrow<StorageDriver>('STORAGE_DRIVER');
  switch (driver) {
    case 'nats':
      return new NatsObjectStorage(nc, {
        bucketPrefix:
          config.get<string>('STORAGE_NATS_BUCKET_PREFIX') ||
          config.getOrThrow<string>('NATS_PREFIX'),
        replicas: config.getOrThrow<number>('STORAGE_NATS_REPLICAS'),
      });
    case 'local':
      return new LocalDiskStorage(config.getOrThrow<string>('STORAGE_DIR'));
    default:
      throw new Error(`unknown STORAGE_DRIVER ${driver}`);
  }
}

/** The app's storage driver; MessagingModule (global) provides the NATS connection it may use. */
@Global()
@Module({
  providers: [
    { provide: STORAGE, inject: [ConfigService, NATS_CONNECTION], useFactory: createStorage },
  ],
  exports: [STORAGE],
})
export class StorageModule {}
