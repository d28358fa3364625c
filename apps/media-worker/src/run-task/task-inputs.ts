import { Injectable } from '@nestjs/common';
import { MediaProbeError, probe, type MediaInfo } from '@app/media';
import type { MixingSettings, MixSource } from '@app/mixing';
import type { CachedFile } from '@app/storage';
import { JobFiles } from './job-files';
import { RunTaskRepository, type JobToRun } from './run-task.repository';

/** Probes kept per worker: a task of a job probes what an earlier task of it already did. */
const PROBES_KEPT = 2000;

/**
 * What a task reads of its job, as local files: the clips it needs (probed once per worker) and
 * the creative settings with the watermark's and the music's assets resolved. Files are pinned in
 * `held` until the caller releases them.
 */
@Injectable()
export class TaskInputs {
  private readonly probes = new Map<string, MediaInfo>();

  constructor(
    private readonly jobs: RunTaskRepository,
    private readonly files: JobFiles,
  ) {}

  /**
   * The snapshot as the engine reads it. An asset deleted since the job was created fails the
   * job: no delivery can render it.
   */
  async settings(job: JobToRun, signal: AbortSignal, held: CachedFile[]): Promise<MixingSettings> {
    const { watermark, music } = job.snapshot;
    const local = async (assetId: string) => {
      const location = await this.jobs.assetPath(job.projectId, assetId);
      if (!location) {
        throw new MediaProbeError(
          'NOT_A_VIDEO',
          `the asset ${assetId} of the job no longer exists`,
        );
      }
      const file = await this.files.source(location, signal);
      held.push(file);
      return file.path;
    };
    const settings = this.profileSettings(job);
    if (watermark) {
      const { assetId, ...style } = watermark;
      settings.watermark = { ...style, path: await local(assetId) };
    }
    if (music) {
      const { assetId, ...options } = music;
      settings.music = { ...options, path: await local(assetId) };
    }
    return settings;
  }

  /**
   * The snapshot as mixing settings without its assets, per-clip and queue fields (enough to fix
   * the profiles; no asset fetched).
   */
  profileSettings(job: JobToRun): MixingSettings {
    const { watermark: _w, music: _m, clips: _c, priority: _p, band: _b, ...rest } = job.snapshot;
    return rest;
  }

  /** Each of `videoIds` as a probed local file, with its caption and focus as frozen. */
  async sources(
    job: JobToRun,
    videoIds: Iterable<string>,
    signal: AbortSignal,
    held: CachedFile[],
  ): Promise<MixSource[]> {
    const wanted = new Set(videoIds);
    const videos = job.project.videos.filter((v) => wanted.has(v.id));
    if (videos.length !== wanted.size) {
      throw new MediaProbeError('NOT_A_VIDEO', 'a video of the plan no longer exists');
    }
    // Captions and focus points as frozen with the job (later edits do not change it).
    const creative = new Map(
      (job.snapshot.clips ?? []).map(({ videoId, ...clip }) => [videoId, clip]),
    );
    const mine: CachedFile[] = [];
    const settled = await Promise.allSettled(
      videos.map(async (v) => {
        const file = await this.files.source(v.path, signal);
        mine.push(file);
        return {
          videoId: v.id,
          path: file.path,
          originalName: v.originalName,
          info: await this.probe(v.path, file.path, signal),
          ...(creative.has(v.id) ? { creative: creative.get(v.id) } : {}),
        };
      }),
    );
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) {
      for (const file of mine) file.release();
      throw failed.reason;
    }
    held.push(...mine);
    return settled.map((r) => (r as PromiseFulfilledResult<MixSource>).value);
  }

  private async probe(location: string, path: string, signal: AbortSignal): Promise<MediaInfo> {
    const known = this.probes.get(location);
    if (known) return known;
    const info = await probe(path, { signal });
    if (this.probes.size >= PROBES_KEPT) {
      this.probes.delete(this.probes.keys().next().value as string);
    }
    this.probes.set(location, info);
    return info;
  }
}
