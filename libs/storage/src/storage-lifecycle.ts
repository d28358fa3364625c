import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { S3ObjectStorage } from './s3-object.storage';
import { STORAGE, type Storage } from './storage';

export interface LifecycleLog {
  log(message: string): void;
  warn(message: string): void;
}

/**
 * S3_VERSION_LIFECYCLE_DAYS at boot: with the s3 driver, puts the rule that expires old versions
 * (S3ObjectStorage.applyVersionLifecycle) in the bucket. Logged, never thrown: a bucket the
 * service will not configure (no permission, no lifecycle support) leaves the app running and
 * says so. 0 does nothing; another driver gets a warning.
 */
export async function applyVersionLifecycleAtBoot(
  storage: Storage,
  days: number,
  log: LifecycleLog,
): Promise<void> {
  if (!days) return;
  if (!(storage instanceof S3ObjectStorage)) {
    log.warn(`S3_VERSION_LIFECYCLE_DAYS=${days} applies to STORAGE_DRIVER=s3 only: ignored`);
    return;
  }
  try {
    const result = await storage.applyVersionLifecycle(days);
    if (result.applied) {
      log.log(`bucket lifecycle rule set: old versions expire ${days} day(s) after replacement`);
    } else {
      // The driver has warned with the reason (onWarning).
      log.warn(`bucket lifecycle rule not set: ${result.reason ?? 'unsupported'}`);
    }
  } catch (e) {
    log.warn(
      `bucket lifecycle rule not set (S3_VERSION_LIFECYCLE_DAYS=${days}): ${(e as Error).message}`,
    );
  }
}

/** Runs applyVersionLifecycleAtBoot once the app is up, without holding its start. */
@Injectable()
export class StorageLifecycle implements OnApplicationBootstrap {
  private readonly logger = new Logger('Storage');

  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    private readonly config: ConfigService,
  ) {}

  onApplicationBootstrap(): void {
    const days = this.config.get<number>('S3_VERSION_LIFECYCLE_DAYS') ?? 0;
    void applyVersionLifecycleAtBoot(this.storage, days, this.logger);
  }
}
