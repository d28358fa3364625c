import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { MezzanineStore, OutputProfile } from '@app/mixing';
import {
  downloadTo,
  LocalFileCache,
  STORAGE,
  storageKeys,
  type CachedFile,
  type Storage,
} from '@app/storage';

export interface MezzaninePlace {
  /** The local folder the mixing engine keeps mezzanines in for this job. */
  cacheDir: string;
  /** Set when the store is not on this machine: mezzanines are fetched from and shared to it. */
  store?: MezzanineStore;
}

/**
 * Where a job's files come from and go to on this worker. With local-disk storage ffmpeg reads
 * the stored files in place and mezzanines are kept beside the project's sources. With a remote
 * store (NATS Object Store) nothing is assumed about other machines' disks: sources are copied
 * into a bounded LRU cache under WORK_DIR, mezzanines are made in the job's own folder and
 * shared through the store, and outputs are uploaded (RunTask).
 */
@Injectable()
export class JobFiles {
  readonly sources: LocalFileCache;

  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    config: ConfigService,
  ) {
    const workDir = path.resolve(config.getOrThrow<string>('WORK_DIR'));
    this.sources = new LocalFileCache(
      storage,
      path.join(workDir, 'cache', 'sources'),
      config.getOrThrow<number>('WORKER_CACHE_MAX_BYTES'),
    );
  }

  source(location: string, signal?: AbortSignal): Promise<CachedFile> {
    return this.sources.acquire(location, signal);
  }

  mezzanines(userId: string, projectId: string, jobDir: string): MezzaninePlace {
    const shared = this.storage.localFile(
      this.storage.locationOf(`${storageKeys.project(userId, projectId)}/mezzanines`),
    );
    if (shared) return { cacheDir: shared };
    const key = (videoId: string, profile: OutputProfile) =>
      storageKeys.mezzanine(userId, projectId, videoId, profile.key, profile.mezzanineContainer);
    const storage = this.storage;
    return {
      cacheDir: path.join(jobDir, 'mezzanines'),
      store: {
        async fetch(videoId, profile, file, signal) {
          const location = storage.locationOf(key(videoId, profile));
          if ((await storage.size(location)) === null) return false;
          await downloadTo(storage, location, file, signal);
          return true;
        },
        async publish(videoId, profile, file) {
          await storage.write(key(videoId, profile), createReadStream(file));
        },
      },
    };
  }
}
