import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FfmpegAbortedError, fileInput, type FfmpegRunner, type MediaInfo } from '@app/media';
import type { OutputProfile } from './output-profiles';

export interface SourceClip {
  videoId: string;
  path: string;
  info: MediaInfo;
}

export interface Mezzanine {
  path: string;
  frames: number;
  durationSeconds: number;
}

/** Exact length of a clip's mezzanine: whole frames at the profile's rate, at least one. */
export function mezzanineFrames(info: MediaInfo, fps: number): number {
  return Math.max(1, Math.round(info.durationSeconds * fps));
}

/**
 * Pure: the filter chains that make a source uniform, reading input `input` and ending in
 * `[v<input>]` and `[a<input>]`. Picture: autorotated by ffmpeg, squared pixels, scaled to fit
 * and padded (never stretched), resampled to the profile's rate, padded with its last frame or
 * cut to exactly its whole number of frames. Sound: resampled to 48 kHz stereo and padded or cut
 * to the same length to the sample, or silence of that length when the clip has none.
 */
export function normalizeFilters(clip: SourceClip, profile: OutputProfile, input = 0): string {
  const { width: w, height: h, fps, video: v, audio: a } = profile;
  const frames = mezzanineFrames(clip.info, fps);
  const samples = Math.round((frames * a.sampleRate) / fps);
  const picture = [
    `[${input}:v:0]setpts=PTS-STARTPTS`,
    `fps=${fps}`,
    'scale=trunc(iw*sar/2)*2:ih,setsar=1',
    `scale=${w}:${h}:force_original_aspect_ratio=decrease:force_divisible_by=2`,
    `pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2:color=black`,
    `setsar=1,format=${v.pixFmt}`,
    `tpad=stop=-1:stop_mode=clone,trim=end_frame=${frames}[v${input}]`,
  ].join(',');
  const sound = clip.info.hasAudio
    ? `[${input}:a:0]aresample=${a.sampleRate}:async=1:first_pts=0,` +
      `aformat=sample_rates=${a.sampleRate}:channel_layouts=stereo,apad`
    : `anullsrc=r=${a.sampleRate}:cl=stereo`;
  return `${picture};${sound},atrim=end_sample=${samples}[a${input}]`;
}

/** Pure: the encoder settings every mezzanine of a profile shares, so they concatenate by copy. */
export function encoderArgs(profile: OutputProfile): string[] {
  const { fps, video: v, audio: a } = profile;
  const args = ['-c:v', v.codec, '-preset', v.preset, '-crf', String(v.crf)];
  args.push('-maxrate', `${v.maxrateKbps}k`, '-bufsize', `${v.bufsizeKbps}k`);
  args.push('-profile:v', v.profile, '-level:v', v.level, '-pix_fmt', v.pixFmt);
  // Fixed, closed GOPs: every mezzanine starts on an IDR frame and all share one structure.
  args.push('-g', String(v.gop), '-keyint_min', String(v.gop), '-sc_threshold', '0');
  if (v.bFrames !== null) args.push('-bf', String(v.bFrames));
  // Fixed colour description, so every mezzanine's SPS matches the first one's (concat copies
  // the first file's codec parameters for the whole output).
  args.push('-colorspace', 'bt709', '-color_primaries', 'bt709', '-color_trc', 'bt709');
  args.push('-color_range', 'tv', '-video_track_timescale', String(fps * 1000));
  args.push('-c:a', a.codec, '-ar', String(a.sampleRate), '-ac', String(a.channels));
  if (a.bitrateKbps !== null) args.push('-b:a', `${a.bitrateKbps}k`);
  return args;
}

/**
 * Pure: ffmpeg arguments turning a source into a mezzanine (MP4 for AAC profiles, MOV for the
 * PCM of AVI profiles). No source metadata is carried over: phones write GPS positions into it.
 */
export function buildNormalizeArgs(
  clip: SourceClip,
  profile: OutputProfile,
  out: string,
): string[] {
  const args = ['-protocol_whitelist', 'file', '-i', fileInput(clip.path)];
  args.push('-filter_complex', normalizeFilters(clip, profile));
  args.push('-map', '[v0]', '-map', '[a0]', '-map_metadata', '-1', '-map_chapters', '-1');
  return [...args, ...encoderArgs(profile), '-f', profile.mezzanineContainer, '-y', out];
}

/** File name of a video id inside the cache: the id itself when it is a safe name, else a hash. */
export function mezzanineName(videoId: string, extension: 'mp4' | 'mov'): string {
  const safe = /^[A-Za-z0-9_-]{1,100}$/.test(videoId);
  return `${safe ? videoId : createHash('sha256').update(videoId).digest('hex')}.${extension}`;
}

export interface EnsureOptions {
  signal?: AbortSignal;
  onProgress?: (outTimeSeconds: number) => void;
}

/**
 * A shared tier behind the local cache: mezzanines another worker (on another machine) already
 * made are fetched instead of encoded again, and fresh ones are shared.
 */
export interface MezzanineStore {
  /** Copies the shared mezzanine into `file` (whole or not at all); false when there is none. */
  fetch(
    videoId: string,
    profile: OutputProfile,
    file: string,
    signal?: AbortSignal,
  ): Promise<boolean>;
  publish(videoId: string, profile: OutputProfile, file: string): Promise<void>;
}

export interface EnsuredMezzanine extends Mezzanine {
  /** True when this call ran the encode, false when the file was cached or made by another call. */
  encoded: boolean;
}

/**
 * Mezzanines on disk at `<cacheDir>/<profile.key>/<video>.<mp4|mov>`. A file is written under a
 * temporary name and renamed into place, so a present file is always complete and two processes
 * racing for the same one both end with a whole file. Within a process, concurrent requests for
 * one mezzanine share a single encode.
 */
export class MezzanineCache {
  private readonly inFlight = new Map<string, Promise<boolean>>();

  constructor(
    readonly cacheDir: string,
    private readonly runner: FfmpegRunner,
    private readonly store?: MezzanineStore,
  ) {}

  dirFor(profile: OutputProfile): string {
    return join(this.cacheDir, profile.key);
  }

  pathFor(videoId: string, profile: OutputProfile): string {
    return join(this.dirFor(profile), mezzanineName(videoId, profile.mezzanineContainer));
  }

  has(videoId: string, profile: OutputProfile): boolean {
    return existsSync(this.pathFor(videoId, profile));
  }

  async ensure(
    clip: SourceClip,
    profile: OutputProfile,
    options: EnsureOptions = {},
  ): Promise<EnsuredMezzanine> {
    const frames = mezzanineFrames(clip.info, profile.fps);
    const mezzanine = { path: this.pathFor(clip.videoId, profile), frames };
    const described = { ...mezzanine, durationSeconds: frames / profile.fps };
    for (;;) {
      if (existsSync(mezzanine.path)) return { ...described, encoded: false };
      const shared = this.inFlight.get(mezzanine.path);
      if (!shared) break;
      try {
        await shared;
        return { ...described, encoded: false };
      } catch (error) {
        // Another caller's abort killed the shared encode: try again unless we are aborted too.
        if (!(error instanceof FfmpegAbortedError) || options.signal?.aborted) throw error;
      }
    }
    const produce = this.produce(clip, profile, options);
    this.inFlight.set(mezzanine.path, produce);
    try {
      return { ...described, encoded: await produce };
    } finally {
      this.inFlight.delete(mezzanine.path);
    }
  }

  /** Fetches the mezzanine from the shared store, or encodes (and shares) it: true when encoded. */
  private async produce(
    clip: SourceClip,
    profile: OutputProfile,
    options: EnsureOptions,
  ): Promise<boolean> {
    const target = this.pathFor(clip.videoId, profile);
    mkdirSync(this.dirFor(profile), { recursive: true });
    if (await this.store?.fetch(clip.videoId, profile, target, options.signal)) return false;
    const partial = join(
      this.dirFor(profile),
      `.partial-${randomUUID()}.${profile.mezzanineContainer}`,
    );
    try {
      // The wall clock follows the clip's length (FfmpegRunner: max(60 s, duration × factor)).
      await this.runner.run(buildNormalizeArgs(clip, profile, partial), {
        ...options,
        durationSeconds: clip.info.durationSeconds,
      });
      renameSync(partial, target);
    } finally {
      rmSync(partial, { force: true });
    }
    await this.store?.publish(clip.videoId, profile, target);
    return true;
  }
}
