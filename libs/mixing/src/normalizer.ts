import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { FfmpegAbortedError, fileInput, type FfmpegRunner, type MediaInfo } from '@app/media';
import {
  SAFE_ZONES,
  treatmentTag,
  type ClipTreatment,
  type ResolvedCaption,
} from './clip-treatment';
import {
  loudnormSecondPass,
  measureLoudness,
  soundPrep,
  type LoudnessMeasurement,
} from './loudness';
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

/** What a treated normalization reads besides the clip (see clip-treatment.ts). */
export interface TreatedInputs {
  treatment: ClipTreatment;
  /** The first pass's report, when the treatment sets a loudness target and the clip has sound. */
  loudness?: LoudnessMeasurement;
  /** Input index of the watermark image. */
  watermarkInput?: number;
  /** A file holding the caption text (drawtext reads it: no escaping of the text). */
  captionFile?: string;
}

/**
 * Pure: the filter chains that make a source uniform, reading input `input` and ending in
 * `[v<input>]` and `[a<input>]`. Picture: autorotated by ffmpeg, squared pixels, scaled to fit
 * and padded (never stretched), resampled to the profile's rate, padded with its last frame or
 * cut to exactly its whole number of frames. Sound: resampled to 48 kHz stereo and padded or cut
 * to the same length to the sample, or silence of that length when the clip has none.
 * With a treatment (`treated`), the fill mode, logo, caption, loudness gain and edge fades are
 * applied in the same pass; an untreated clip gets exactly the chains above.
 */
export function normalizeFilters(
  clip: SourceClip,
  profile: OutputProfile,
  input = 0,
  treated?: TreatedInputs,
): string {
  const { width: w, height: h, fps, video: v, audio: a } = profile;
  const frames = mezzanineFrames(clip.info, fps);
  const samples = Math.round((frames * a.sampleRate) / fps);
  const t = treated?.treatment;
  const head = [
    `[${input}:v:0]setpts=PTS-STARTPTS`,
    `fps=${fps}`,
    'scale=trunc(iw*sar/2)*2:ih,setsar=1',
  ].join(',');
  const tail = [
    `setsar=1,format=${v.pixFmt}`,
    `tpad=stop=-1:stop_mode=clone,trim=end_frame=${frames}`,
  ].join(',');
  const seconds = frames / fps;
  const picture = t
    ? `${treatedPicture(head, profile, input, treated)},${tail}${fadeFilters('fade', t, seconds)}[v${input}]`
    : [
        head,
        `scale=${w}:${h}:force_original_aspect_ratio=decrease:force_divisible_by=2`,
        `pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2:color=black`,
        `${tail}[v${input}]`,
      ].join(',');
  const gain =
    t?.loudness && treated?.loudness
      ? loudnormSecondPass(
          treated.loudness,
          t.loudness.targetLufs,
          t.loudness.truePeakDb,
          a.sampleRate,
        )
      : null;
  const sound = clip.info.hasAudio
    ? `${soundPrep(input, a.sampleRate)}${gain ? `,${gain},aformat=sample_rates=${a.sampleRate}:channel_layouts=stereo` : ''},apad`
    : `anullsrc=r=${a.sampleRate}:cl=stereo`;
  const soundFades = t ? fadeFilters('afade', t, seconds) : '';
  return `${picture};${sound},atrim=end_sample=${samples}${soundFades}[a${input}]`;
}

/** The picture of a treated clip up to its final format: fill, then logo, then caption. */
function treatedPicture(
  head: string,
  profile: OutputProfile,
  input: number,
  treated: TreatedInputs,
): string {
  const { width: w, height: h } = profile;
  const t = treated.treatment;
  let graph: string;
  if (t.fill === 'crop') {
    const { x, y } = t.focus ?? { x: 0.5, y: 0.5 };
    graph =
      `${head},scale=${w}:${h}:force_original_aspect_ratio=increase,` +
      `crop=${w}:${h}:(iw-ow)*${x}:(ih-oh)*${y}`;
  } else if (t.fill === 'blur') {
    // The background is blurred at a quarter of the size and scaled back: cheap and smooth.
    const bw = even(w / 4);
    const bh = even(h / 4);
    const radius = Math.max(1, Math.floor(Math.min(bw, bh) / 8));
    graph =
      `${head},split[fg${input}][bg${input}];` +
      `[bg${input}]scale=${bw}:${bh}:force_original_aspect_ratio=increase,crop=${bw}:${bh},` +
      `format=yuv420p,boxblur=${radius}:2,scale=${w}:${h},setsar=1[bb${input}];` +
      `[fg${input}]scale=${w}:${h}:force_original_aspect_ratio=decrease:force_divisible_by=2` +
      `[ff${input}];[bb${input}][ff${input}]overlay=(W-w)/2:(H-h)/2`;
  } else {
    graph =
      `${head},scale=${w}:${h}:force_original_aspect_ratio=decrease:force_divisible_by=2,` +
      `pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2:color=black`;
  }
  if (t.watermark && treated.watermarkInput !== undefined) {
    const wm = t.watermark;
    const logoWidth = even(w * wm.scale);
    const m = Math.round(w * wm.margin);
    const [x, y] =
      wm.x !== undefined && wm.y !== undefined
        ? [`(W-w)*${wm.x}`, `(H-h)*${wm.y}`]
        : [
            wm.position.endsWith('left') ? `${m}` : `W-w-${m}`,
            wm.position.startsWith('top') ? `${m}` : `H-h-${m}`,
          ];
    graph +=
      `[base${input}];[${treated.watermarkInput}:v:0]scale=${logoWidth}:-2,format=rgba,` +
      `colorchannelmixer=aa=${wm.opacity}[logo${input}];` +
      `[base${input}][logo${input}]overlay=${x}:${y}:format=auto`;
  }
  if (t.caption && treated.captionFile)
    graph += `,${drawtext(t.caption, profile, treated.captionFile)}`;
  return graph;
}

/** Pure: the caption's drawtext, centred, inside the output shape's safe zone. */
function drawtext(c: ResolvedCaption, profile: OutputProfile, textFile: string): string {
  const zone = SAFE_ZONES[profile.aspectRatio];
  const size = Math.max(8, Math.round(Math.min(profile.width, profile.height) * c.fontSize));
  const border = Math.round(size * 0.3);
  const top = Math.round(profile.height * zone.top) + border;
  const bottom = Math.round(profile.height * zone.bottom) + border;
  const y =
    c.position === 'top'
      ? `${top}`
      : c.position === 'middle'
        ? '(h-text_h)/2'
        : `h-${bottom}-text_h`;
  const options = [
    `fontfile=${filterPath(c.fontFile)}`,
    `textfile=${filterPath(textFile)}`,
    'text_shaping=1',
    // No %{...} expansion: the caption is shown as written ('20 % off').
    'expansion=none',
    `fontsize=${size}`,
    `fontcolor=${filterColour(c.color)}`,
    `x=(w-text_w)/2`,
    `y=${y}`,
  ];
  if (c.box) options.push('box=1', 'boxcolor=black@0.55', `boxborderw=${border}`);
  return `drawtext=${options.join(':')}`;
}

/** Paths the service generated, checked: anything else would need filtergraph escaping. */
function filterPath(path: string): string {
  if (!/^[A-Za-z0-9_./-]+$/.test(path)) throw new RangeError(`path unusable in a filter: ${path}`);
  return path;
}

function filterColour(colour: string): string {
  if (/^[A-Za-z]{3,30}$/.test(colour)) return colour;
  const hex = /^#([0-9a-fA-F]{6}([0-9a-fA-F]{2})?)$/.exec(colour);
  if (hex) return `0x${hex[1]}`;
  throw new RangeError(`not a colour: ${colour}`);
}

/** Pure: fade-in/out filters (`fade` or `afade`) for a clip of `seconds`. */
function fadeFilters(filter: 'fade' | 'afade', t: ClipTreatment, seconds: number): string {
  const fadeIn = Math.min(t.fadeInSeconds, seconds / 2);
  const fadeOut = Math.min(t.fadeOutSeconds, seconds / 2);
  let out = '';
  if (fadeIn > 0) out += `,${filter}=t=in:st=0:d=${fadeIn}`;
  if (fadeOut > 0) out += `,${filter}=t=out:st=${(seconds - fadeOut).toFixed(6)}:d=${fadeOut}`;
  return out;
}

function even(n: number): number {
  return Math.max(2, Math.round(n / 2) * 2);
}

/** Pure: the encoder settings every mezzanine of a profile shares, so they concatenate by copy. */
export function encoderArgs(profile: OutputProfile): string[] {
  const { fps, video: v, audio: a } = profile;
  const args = ['-c:v', v.codec, '-preset', v.preset, '-crf', String(v.crf)];
  args.push('-maxrate', `${v.maxrateKbps}k`, '-bufsize', `${v.bufsizeKbps}k`);
  if (v.codec === 'libx265') {
    // hvc1: parameter sets in the sample description only, as Apple's players require.
    args.push('-profile:v', v.profile, '-pix_fmt', v.pixFmt, '-tag:v', 'hvc1');
    // The same fixed, closed GOPs as H.264 (x265 takes them through its own parameters).
    const gop = `keyint=${v.gop}:min-keyint=${v.gop}:scenecut=0:open-gop=0`;
    args.push('-x265-params', `${gop}:repeat-headers=0:log-level=error`);
  } else {
    args.push('-profile:v', v.profile, '-level:v', v.level, '-pix_fmt', v.pixFmt);
    // Fixed, closed GOPs: every mezzanine starts on an IDR frame and all share one structure.
    args.push('-g', String(v.gop), '-keyint_min', String(v.gop), '-sc_threshold', '0');
    if (v.bFrames !== null) args.push('-bf', String(v.bFrames));
  }
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
  treated?: TreatedInputs,
  /** Crossfade mode: head, body and tail written to these three files instead of `out`. */
  pieces?: { paths: PiecePaths; headFrames: number; tailFrames: number },
): string[] {
  const args = ['-protocol_whitelist', 'file', '-i', fileInput(clip.path)];
  if (treated?.treatment.watermark) {
    args.push('-i', fileInput(treated.treatment.watermark.path));
    treated = { ...treated, watermarkInput: 1 };
  }
  const graph = normalizeFilters(clip, profile, 0, treated);
  if (pieces) {
    const frames = mezzanineFrames(clip.info, profile.fps);
    const perFrame = profile.audio.sampleRate / profile.fps;
    const cuts = [0, pieces.headFrames, frames - pieces.tailFrames, frames];
    const names = ['head', 'body', 'tail'] as const;
    const split = names.map((name, i) => {
      const [from, to] = [cuts[i], cuts[i + 1]];
      const [s0, s1] = [Math.round(from * perFrame), Math.round(to * perFrame)];
      return (
        `[vs${i}]trim=start_frame=${from}:end_frame=${to},setpts=PTS-STARTPTS[v${name}];` +
        `[as${i}]atrim=start_sample=${s0}:end_sample=${s1},asetpts=PTS-STARTPTS[a${name}]`
      );
    });
    const fullGraph = `${graph};[v0]split=3[vs0][vs1][vs2];[a0]asplit=3[as0][as1][as2];${split.join(';')}`;
    args.push('-filter_complex', fullGraph);
    for (const name of names) {
      args.push('-map', `[v${name}]`, '-map', `[a${name}]`, '-map_metadata', '-1');
      args.push('-map_chapters', '-1', ...encoderArgs(profile));
      args.push('-f', profile.mezzanineContainer, '-y', pieces.paths[name]);
    }
    return args;
  }
  args.push('-filter_complex', graph);
  args.push('-map', '[v0]', '-map', '[a0]', '-map_metadata', '-1', '-map_chapters', '-1');
  return [...args, ...encoderArgs(profile), '-f', profile.mezzanineContainer, '-y', out];
}

/**
 * Pure: ffmpeg arguments for a crossfade joint: tail of one mezzanine, head of the next, the
 * overlap faded from one to the other (xfade for the picture, acrossfade for the sound), encoded
 * like a mezzanine so it joins the copied pieces by copy.
 */
export function buildJointArgs(
  from: MezzaninePieces,
  to: MezzaninePieces,
  profile: OutputProfile,
  out: string,
): string[] {
  const { fps } = profile;
  const rate = profile.audio.sampleRate;
  const overlap = Math.min(from.tailFrames, to.headFrames);
  const frames = from.tailFrames + to.headFrames - overlap;
  const samples = Math.round((frames * rate) / fps);
  const seconds = (n: number): string => (n / fps).toFixed(6);
  const graph =
    `[0:v:0]format=${profile.video.pixFmt}[x0];[1:v:0]format=${profile.video.pixFmt}[x1];` +
    `[x0][x1]xfade=transition=fade:duration=${seconds(overlap)}:` +
    `offset=${seconds(from.tailFrames - overlap)},` +
    // One tick per frame: without it the encoder's rate guess adds a duplicate last frame.
    `settb=1/${fps},setpts=N,trim=end_frame=${frames}[v];` +
    `[0:a:0][1:a:0]acrossfade=ns=${Math.round((overlap * rate) / fps)}:c1=tri:c2=tri,` +
    `apad,atrim=end_sample=${samples}[a]`;
  const args = ['-protocol_whitelist', 'file', '-i', fileInput(from.tail)];
  args.push('-protocol_whitelist', 'file', '-i', fileInput(to.head));
  args.push('-filter_complex', graph, '-map', '[v]', '-map', '[a]', '-map_metadata', '-1');
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
  /** The clip's creative treatment; an untreated one (or none) gives today's mezzanine. */
  treatment?: ClipTreatment;
}

/**
 * The name a mezzanine is cached (and shared) under: the video id, plus `--t<hash>` of its
 * treatment when it has one (clip-treatment.ts), so untreated mezzanines keep their names.
 */
export function cacheId(videoId: string, treatment?: ClipTreatment): string {
  const tag = treatment ? treatmentTag(treatment) : null;
  return tag ? `${videoId}--t${tag}` : videoId;
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
  /** Crossfade mode: the three files the mezzanine is made of (`path` is then not written). */
  pieces?: MezzaninePieces;
}

export interface PiecePaths {
  head: string;
  body: string;
  tail: string;
}

export interface MezzaninePieces extends PiecePaths {
  headFrames: number;
  bodyFrames: number;
  tailFrames: number;
}

/** Pure: the three files of a crossfade-mode mezzanine, next to where the whole one would be. */
export function piecePaths(path: string): PiecePaths {
  const stem = path.replace(/\.(mp4|mov)$/, '');
  const ext = path.slice(stem.length);
  return { head: `${stem}.head${ext}`, body: `${stem}.body${ext}`, tail: `${stem}.tail${ext}` };
}

/**
 * Pure: head and tail lengths of a crossfade-mode mezzanine: the crossfade's length in frames,
 * at most so much that the body keeps one frame.
 */
export function pieceFrames(frames: number, crossfadeSeconds: number, fps: number) {
  const edge = Math.max(
    1,
    Math.min(Math.round(crossfadeSeconds * fps), Math.floor((frames - 1) / 2)),
  );
  return { headFrames: edge, bodyFrames: frames - 2 * edge, tailFrames: edge };
}

/**
 * Mezzanines on disk at `<cacheDir>/<profile.key>/<video>.<mp4|mov>`. A file is written under a
 * temporary name and renamed into place, so a present file is always complete and two processes
 * racing for the same one both end with a whole file. Within a process, concurrent requests for
 * one mezzanine share a single encode.
 */
export class MezzanineCache {
  private readonly inFlight = new Map<string, Promise<boolean>>();
  /** First-pass loudness reports by source path and target: one per clip, whatever the profile. */
  private readonly measured = new Map<string, Promise<LoudnessMeasurement>>();

  constructor(
    readonly cacheDir: string,
    private readonly runner: FfmpegRunner,
    private readonly store?: MezzanineStore,
  ) {}

  dirFor(profile: OutputProfile): string {
    return join(this.cacheDir, profile.key);
  }

  pathFor(videoId: string, profile: OutputProfile, treatment?: ClipTreatment): string {
    const name = mezzanineName(cacheId(videoId, treatment), profile.mezzanineContainer);
    return join(this.dirFor(profile), name);
  }

  has(videoId: string, profile: OutputProfile, treatment?: ClipTreatment): boolean {
    const path = this.pathFor(videoId, profile, treatment);
    if (!treatment?.crossfadeSeconds) return existsSync(path);
    return Object.values(piecePaths(path)).every((p) => existsSync(p));
  }

  async ensure(
    clip: SourceClip,
    profile: OutputProfile,
    options: EnsureOptions = {},
  ): Promise<EnsuredMezzanine> {
    const frames = mezzanineFrames(clip.info, profile.fps);
    const mezzanine = { path: this.pathFor(clip.videoId, profile, options.treatment), frames };
    const crossfade = options.treatment?.crossfadeSeconds;
    const described: Omit<EnsuredMezzanine, 'encoded'> = {
      ...mezzanine,
      durationSeconds: frames / profile.fps,
      ...(crossfade
        ? {
            pieces: {
              ...piecePaths(mezzanine.path),
              ...pieceFrames(frames, crossfade, profile.fps),
            },
          }
        : {}),
    };
    for (;;) {
      if (this.has(clip.videoId, profile, options.treatment)) {
        return { ...described, encoded: false };
      }
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
    const { treatment } = options;
    const id = cacheId(clip.videoId, treatment);
    const target = this.pathFor(clip.videoId, profile, treatment);
    const dir = this.dirFor(profile);
    mkdirSync(dir, { recursive: true });
    // Crossfade mode: three files (head, body, tail), shared as `<id>-head` and so on.
    const files: { id: string; target: string }[] = treatment?.crossfadeSeconds
      ? Object.entries(piecePaths(target)).map(([name, path]) => ({
          id: `${id}-${name}`,
          target: path,
        }))
      : [{ id, target }];
    if (await this.fetchAll(files, profile, options.signal)) return false;
    const partials = files.map(() =>
      join(dir, `.partial-${randomUUID()}.${profile.mezzanineContainer}`),
    );
    const captionFile = join(dir, `.caption-${randomUUID()}.txt`);
    try {
      let treated: TreatedInputs | undefined;
      if (treatment) {
        treated = await this.treatedInputs(clip, profile, treatment, options);
        if (treatment.caption) {
          writeFileSync(captionFile, treatment.caption.text);
          treated.captionFile = captionFile;
        }
      }
      const frames = mezzanineFrames(clip.info, profile.fps);
      const pieces = treatment?.crossfadeSeconds
        ? {
            paths: { head: partials[0], body: partials[1], tail: partials[2] },
            ...pieceFrames(frames, treatment.crossfadeSeconds, profile.fps),
          }
        : undefined;
      const args = buildNormalizeArgs(clip, profile, partials[0], treated, pieces);
      // The wall clock follows the clip's length (FfmpegRunner: max(60 s, duration × factor)).
      await this.runner.run(args, {
        ...options,
        durationSeconds: clip.info.durationSeconds,
        // Input 1, when there is one, is the project's logo (an image asset).
        inputs: treatment?.watermark ? [undefined, 'asset'] : undefined,
      });
      files.forEach((f, i) => renameSync(partials[i], f.target));
    } finally {
      for (const partial of partials) rmSync(partial, { force: true });
      rmSync(captionFile, { force: true });
    }
    for (const f of files) await this.store?.publish(f.id, profile, f.target);
    return true;
  }

  /** True when the shared store had every file (all fetched); else none is kept. */
  private async fetchAll(
    files: readonly { id: string; target: string }[],
    profile: OutputProfile,
    signal?: AbortSignal,
  ): Promise<boolean> {
    if (!this.store) return false;
    for (const f of files) {
      if (!(await this.store.fetch(f.id, profile, f.target, signal))) {
        for (const g of files) rmSync(g.target, { force: true });
        return false;
      }
    }
    return true;
  }

  /**
   * The re-encoded joint of a crossfade: the outgoing clip's tail blended into the next clip's
   * head (picture by xfade, sound by acrossfade), as long as both minus the overlap. Cached by the
   * two pieces' names, so a pair met again in another output is not encoded again.
   */
  async ensureJoint(
    from: MezzaninePieces,
    to: MezzaninePieces,
    profile: OutputProfile,
    signal?: AbortSignal,
  ): Promise<{ path: string; frames: number; encoded: boolean }> {
    const overlap = Math.min(from.tailFrames, to.headFrames);
    const frames = from.tailFrames + to.headFrames - overlap;
    const name = createHash('sha256')
      .update(`${basename(from.tail)}\n${basename(to.head)}\n${overlap}`)
      .digest('hex')
      .slice(0, 32);
    const path = join(this.dirFor(profile), `xf-${name}.${profile.mezzanineContainer}`);
    for (;;) {
      if (existsSync(path)) return { path, frames, encoded: false };
      const shared = this.inFlight.get(path);
      if (!shared) break;
      try {
        await shared;
        return { path, frames, encoded: false };
      } catch (error) {
        if (!(error instanceof FfmpegAbortedError) || signal?.aborted) throw error;
      }
    }
    const produce = (async () => {
      const partial = join(
        this.dirFor(profile),
        `.partial-${randomUUID()}.${profile.mezzanineContainer}`,
      );
      try {
        const args = buildJointArgs(from, to, profile, partial);
        await this.runner.run(args, { signal });
        renameSync(partial, path);
      } finally {
        rmSync(partial, { force: true });
      }
      return true;
    })();
    this.inFlight.set(path, produce);
    try {
      return { path, frames, encoded: await produce };
    } finally {
      this.inFlight.delete(path);
    }
  }

  private async treatedInputs(
    clip: SourceClip,
    profile: OutputProfile,
    treatment: ClipTreatment,
    options: EnsureOptions,
  ): Promise<TreatedInputs> {
    const treated: TreatedInputs = { treatment };
    if (treatment.caption) {
      if (!existsSync(treatment.caption.fontFile))
        throw new CaptionFontMissingError(treatment.caption.fontFile);
    }
    if (treatment.loudness && clip.info.hasAudio) {
      const { targetLufs, truePeakDb } = treatment.loudness;
      const key = `${clip.path}\n${targetLufs}\n${truePeakDb}`;
      let measuring = this.measured.get(key);
      if (!measuring) {
        measuring = measureLoudness(
          this.runner,
          clip.path,
          treatment.loudness,
          profile.audio.sampleRate,
          options.signal,
          clip.info.durationSeconds,
        );
        this.measured.set(key, measuring);
        // A failed or aborted measurement is not kept: the next request measures again.
        measuring.catch(() => this.measured.delete(key));
      }
      treated.loudness = await measuring;
    }
    return treated;
  }
}

/** A caption needs the font the project ships with (scripts/lib.sh installs fonts-dejavu-core). */
export class CaptionFontMissingError extends Error {
  override readonly name = 'CaptionFontMissingError';
  constructor(readonly fontFile: string) {
    super(`caption font missing: ${fontFile} (install the Debian package fonts-dejavu-core)`);
  }
}
