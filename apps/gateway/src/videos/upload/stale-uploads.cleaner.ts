import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { removeStaleFiles } from '@app/storage';

/** A spooled upload older than this was left by a crash: no upload takes an hour to probe. */
const STALE_AFTER_MINUTES = 60;

/**
 * At start, removes the upload spool's files (`*.upload`) that a crashed gateway left behind, so
 * the disk the database shares does not fill with them. Uploads in flight on other gateway
 * processes are younger than the cut-off and stay.
 */
@Injectable()
export class StaleUploadsCleaner implements OnApplicationBootstrap {
  private readonly logger = new Logger(StaleUploadsCleaner.name);

  constructor(private readonly config: ConfigService) {}

  async onApplicationBootstrap(): Promise<void> {
    const dir = this.config.getOrThrow<string>('UPLOAD_TMP_DIR');
    const removed = await removeStaleFiles(dir, {
      olderThanMinutes: STALE_AFTER_MINUTES,
      match: /\.upload$/,
    }).catch((e: Error) => {
      this.logger.warn(`could not clean the upload spool ${dir}: ${e.message}`);
      return [];
    });
    if (removed.length) this.logger.log(`removed ${removed.length} stale upload(s) from ${dir}`);
  }
}
