import { Global, Logger, Module } from '@nestjs/common';
import { S3Client } from '@aws-sdk/client-s3';
import { ConfigService } from '@nestjs/config';
import type { NatsConnection } from '@nats-io/nats-core';
import { NATS_CONNECTION } from '@app/messaging';
import { LocalDiskStorage } from './local-disk.storage';
import { NatsObjectStorage } from './nats-object.storage';
import { S3ObjectStorage } from './s3-object.storage';
import { STORAGE, type Storage, type StorageDriver } from './storage';
import { StorageLifecycle } from './storage-lifecycle';

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
    case 's3': {
      const accessKeyId = config.get<string>('S3_ACCESS_KEY_ID');
      const client = new S3Client({
        endpoint: config.get<string>('S3_ENDPOINT') || undefined,
        region: config.getOrThrow<string>('S3_REGION'),
        forcePathStyle: config.getOrThrow<boolean>('S3_FORCE_PATH_STYLE'),
        // Without keys the SDK's default chain applies (environment, profile, instance role).
        credentials: accessKeyId
          ? { accessKeyId, secretAccessKey: config.getOrThrow<string>('S3_SECRET_ACCESS_KEY') }
          : undefined,
      });
      const logger = new Logger('Storage');
      return new S3ObjectStorage(client, {
        bucket: config.getOrThrow<string>('S3_BUCKET'),
        versioning: config.getOrThrow<boolean>('S3_VERSIONING'),
        partBytes: config.getOrThrow<number>('S3_PART_BYTES'),
        onWarning: (m) => logger.warn(m),
      });
    }
    case 'local':
      return new LocalDiskStorage(config.getOrThrow<string>('STORAGE_DIR'));
    default:
      throw new Error(`unknown STORAGE_DRIVER ${driver}`);
  }
}

/**
 * The app's storage driver; MessagingModule (global) provides the NATS connection it may use.
 * At boot, S3_VERSION_LIFECYCLE_DAYS asks the s3 driver for its old-versions rule
 * (StorageLifecycle).
 */
@Global()
@Module({
  providers: [
    { provide: STORAGE, inject: [ConfigService, NATS_CONNECTION], useFactory: createStorage },
    StorageLifecycle,
  ],
  exports: [STORAGE],
})
export class StorageModule {}
