import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FfmpegRunner, probe } from '@app/media';
import { makeClip, type ClipSpec } from '@app/media/testing';
import {
  MixingEngine,
  OUTPUT_FORMATS,
  QUALITIES,
  outputProfile,
  type MixSource,
} from '@app/mixing';
import { CountingRunner, decodeErrors, packetsOf, streamsOf } from './media-checks';

jest.setTimeout(120_000);

const AAC_FRAME = 1024 / 48000;
const CLIPS: Record<string, Omit<ClipSpec, 'durationSeconds'>> = {
  landscape25: { width: 320, height: 180, fps: 25, audio: true, container: 'mp4' },
  portrait30: { width: 180, height: 320, fps: 30, audio: false, container: 'mkv' },
  square24: { width: 240, height: 240, fps: 24, audio: true, container: 'mov' },
  rotated60: { width: 320, height: 180, fps: 60, audio: false, container: 'mp4', rotate: 90 },
  webm30: { width: 320, height: 180, fps: 30, audio: true, container: 'webm' },
};

let work: string;
let sources: MixSource[];
let engine: MixingEngine;
const runner = new FfmpegRunner({ maxConcurrent: 2 });

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'vmp-mixing-'));
  sources = await Promise.all(
    Object.entries(CLIPS).map(async ([videoId, spec]) => {
      const path = await makeClip({ ...spec, durationSeconds: 0.5 });
      return {
        videoId,
        path,
        originalName: `${videoId}.${spec.container}`,
        info: await probe(path),
      };
    }),
  );
  engine = new MixingEngine({ cacheDir: join(work, 'cache'), runner });
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

function leftovers(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /(^|\/)\./.test(f));
}

describe.each(OUTPUT_FORMATS)('%s outputs', (format) => {
  it.each(QUALITIES)(
    'at %s: right streams, length, sync, metadata and a clean decode',
    async (quality) => {
      const outputDir = join(work, `${format}-${quality}`);
      const combinations = [
        ['landscape25', 'portrait30', 'webm30'],
        ['rotated60', 'square24'],
      ];
      const result = await engine.mix({
        combinations,
        sources,
        settings: {
          outputFormat: format,
          quality,
          metadata: { static: { campaign: 'spring' }, includeDynamic: true },
        },
        job: { jobId: 'job-1', projectName: 'Demo' },
        outputDir,
      });
      const profile = outputProfile(quality, format, '16:9');
      expect(result.profile).toEqual(profile);
      expect(result.outputs.map((o) => o.combinationIndex)).toEqual([0, 1]);
      const frame = 1 / profile.fps;
      for (const output of result.outputs) {
        const parts = output.sourceVideoIds.map(
          (id) => sources.find((s) => s.videoId === id)!.info,
        );
        const expected = parts.reduce((s, p) => s + p.durationSeconds, 0);
        const { streams, tags } = await streamsOf(output.path);
        const video = streams.find((s) => s.codec_type === 'video')!;
        const audio = streams.find((s) => s.codec_type === 'audio')!;
        expect(video).toMatchObject({
          codec_name: 'h264',
          width: profile.width,
          height: profile.height,
          pix_fmt: 'yuv420p',
        });
        expect(['1:1', undefined]).toContain(video.sample_aspect_ratio);
        expect(audio).toMatchObject({
          codec_name: profile.audio.codec,
          sample_rate: '48000',
          channels: 2,
        });

        const { end: videoEnd, count: frames } = await packetsOf(output.path, 'v');
        const { end: audioEnd } = await packetsOf(output.path, 'a');
        expect(frames).toBe(Math.round(output.durationSeconds * profile.fps));
        expect(Math.abs(videoEnd - expected)).toBeLessThanOrEqual(parts.length * frame + 1e-3);
        expect(Math.abs(output.durationSeconds - expected)).toBeLessThanOrEqual(
          parts.length * frame + 1e-3,
        );
        expect(Math.abs(audioEnd - videoEnd)).toBeLessThanOrEqual(frame + AAC_FRAME);

        const written =
          format === 'AVI' ? (JSON.parse(tags.comment) as Record<string, string>) : tags;
        expect(written).toMatchObject({
          campaign: 'spring',
          jobId: 'job-1',
          projectName: 'Demo',
          combinationIndex: String(output.combinationIndex),
        });
        expect(JSON.parse(written.sourceIds)).toEqual(output.sourceVideoIds);
        expect(output.metadata.jobId).toBe('job-1');

        if (format !== 'AVI') {
          const head = readFileSync(output.path)
            .subarray(0, 1 << 16)
            .toString('latin1');
          expect(head.indexOf('moov')).toBeGreaterThan(-1);
          expect(head.indexOf('moov')).toBeLessThan(head.indexOf('mdat'));
        }
        expect(await decodeErrors(output.path)).toBe('');
      }
      expect(leftovers(outputDir)).toEqual([]);
    },
  );
});

describe('mixing engine', () => {
  it('fits a portrait plan into 9:16 by default and into a requested 1:1', async () => {
    const base = {
      combinations: [['portrait30', 'landscape25']],
      sources,
      job: { jobId: 'j', projectName: 'p' },
    };
    const portrait = engine.profileFor({
      ...base,
      settings: { outputFormat: 'MP4', quality: 'LOW' },
    });
    expect([portrait.width, portrait.height]).toEqual([480, 854]);
    const rotated = engine.profileFor({
      ...base,
      combinations: [['rotated60']],
      settings: { outputFormat: 'MP4', quality: 'LOW' },
    });
    expect(rotated.aspectRatio).toBe('9:16');
    const result = await engine.mix({
      ...base,
      settings: { outputFormat: 'MP4', quality: 'LOW', aspectRatio: '1:1' },
      outputDir: join(work, 'square'),
    });
    const { streams } = await streamsOf(result.outputs[0].path);
    expect(streams[0]).toMatchObject({ width: 480, height: 480 });
  });

  it('reuses cached mezzanines: a second run encodes nothing', async () => {
    const cacheDir = join(work, 'reuse-cache');
    const fresh = new MixingEngine({ cacheDir, runner });
    const request = {
      combinations: [
        ['landscape25', 'square24'],
        ['square24', 'webm30'],
      ],
      sources,
      settings: { outputFormat: 'MOV' as const, quality: 'LOW' as const },
      job: { jobId: 'j', projectName: 'p' },
    };
    const first = await fresh.mix({ ...request, outputDir: join(work, 'reuse-1') });
    expect(first).toMatchObject({ encodedClips: 3, reusedClips: 0 });
    const counting = new CountingRunner({ maxConcurrent: 2 });
    const second = await new MixingEngine({ cacheDir, runner: counting }).mix({
      ...request,
      outputDir: join(work, 'reuse-2'),
    });
    expect(second).toMatchObject({ encodedClips: 0, reusedClips: 3 });
    // MOV outputs are joined in process: with every mezzanine cached, ffmpeg never runs.
    expect(counting.runs).toBe(0);
    const avi = await new MixingEngine({ cacheDir, runner: counting }).mix({
      ...request,
      settings: { outputFormat: 'AVI', quality: 'LOW' },
      outputDir: join(work, 'reuse-avi'),
    });
    // AVI: 3 encodes (PCM mezzanines) and one ffmpeg run joining both outputs.
    expect(avi.encodedClips).toBe(3);
    expect(counting.runs).toBe(4);
  });

  it('encodes a clip once when two jobs ask for it at the same time', async () => {
    const shared = new MixingEngine({ cacheDir: join(work, 'shared-cache'), runner });
    const ask = (dir: string) =>
      shared.mix({
        combinations: [['landscape25', 'portrait30']],
        sources,
        settings: { outputFormat: 'MP4', quality: 'LOW' },
        job: { jobId: dir, projectName: 'p' },
        outputDir: join(work, dir),
      });
    const [a, b] = await Promise.all([ask('twin-a'), ask('twin-b')]);
    expect(a.encodedClips + b.encodedClips).toBe(2);
  });

  it('reports rising progress to 100, each output as it finishes, and skips recorded ones', async () => {
    const seen: number[] = [];
    const recorded: number[] = [];
    const result = await new MixingEngine({ cacheDir: join(work, 'progress-cache'), runner }).mix({
      combinations: [['landscape25'], ['portrait30', 'square24'], ['webm30', 'rotated60']],
      skip: new Set([0]),
      sources,
      settings: { outputFormat: 'MP4', quality: 'MEDIUM' },
      job: { jobId: 'j', projectName: 'p' },
      outputDir: join(work, 'progress'),
      onProgress: (p) => seen.push(p),
      onOutput: (o) => {
        recorded.push(o.combinationIndex);
      },
    });
    expect(result.encodedClips).toBe(4);
    expect(recorded.sort()).toEqual([1, 2]);
    expect(readdirSync(join(work, 'progress')).sort()).toEqual([
      'output-0001.mp4',
      'output-0002.mp4',
    ]);
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.at(-1)).toBe(100);
    for (let i = 1; i < seen.length; i += 1) expect(seen[i]).toBeGreaterThan(seen[i - 1]);
  });
});
