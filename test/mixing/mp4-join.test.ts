import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FfmpegAbortedError, ffmpegPath, probe } from '@app/media';
import { makeClip, type ClipSpec } from '@app/media/testing';
import {
  MezzanineCache,
  Mp4IndexCache,
  UnsupportedMediaError,
  assemble,
  assertJoinable,
  mezzanineFrames,
  outputProfile,
  readMp4Index,
  writeJoined,
  type OutputProfile,
} from '@app/mixing';
import { CountingRunner, decodeErrors, packetsOf, streamsOf } from './media-checks';

jest.setTimeout(120_000);

const run = promisify(execFile);
const CLIPS: Omit<ClipSpec, 'durationSeconds'>[] = [
  { width: 320, height: 180, fps: 25, audio: true, container: 'mp4' },
  { width: 180, height: 320, fps: 30, audio: false, container: 'mkv' },
  { width: 240, height: 240, fps: 24, audio: true, container: 'mov' },
];
const SECONDS = [0.7, 0.5, 0.9];

let work: string;
const runner = new CountingRunner({ maxConcurrent: 2 });
const low = outputProfile('LOW', 'MP4', '16:9');
let parts: string[];

/** Mezzanines of the three clips for a profile. */
async function mezzanines(profile: OutputProfile): Promise<string[]> {
  const cache = new MezzanineCache(join(work, 'cache'), runner);
  return Promise.all(clips.map(async (clip) => (await cache.ensure(clip, profile)).path));
}

let clips: { videoId: string; path: string; info: Awaited<ReturnType<typeof probe>> }[];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'vmp-join-'));
  clips = await Promise.all(
    CLIPS.map(async (spec, i) => {
      const path = await makeClip({ ...spec, durationSeconds: SECONDS[i] });
      return { videoId: `clip${i}`, path, info: await probe(path) };
    }),
  );
  parts = await mezzanines(low);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Decoded sound, in samples per channel. */
async function decodedSamples(path: string): Promise<number> {
  const { stdout } = await run(
    ffmpegPath(),
    ['-v', 'error', '-i', path, '-map', '0:a', '-f', 's16le', '-ac', '2', '-'],
    { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 },
  );
  return stdout.length / 4;
}

describe('joining mezzanines by copy', () => {
  it.each(['mp4', 'mov'] as const)(
    'writes a %s of every frame, the exact length of its parts, its metadata and a clean decode',
    async (brand) => {
      const out = join(work, `joined.${brand}`);
      const indexes = await Promise.all(parts.map((p) => readMp4Index(p)));
      await writeJoined(indexes, out, brand, { campaign: 'spring', title: 'Ünïcode ✓' });

      const frames = clips.reduce((s, c) => s + mezzanineFrames(c.info, low.fps), 0);
      const seconds = frames / low.fps;
      const { streams, tags } = await streamsOf(out);
      expect(streams.map((s) => s.codec_type)).toEqual(['video', 'audio']);
      expect(streams[0]).toMatchObject({ width: low.width, height: low.height });
      expect(tags).toMatchObject({
        campaign: 'spring',
        title: 'Ünïcode ✓',
        major_brand: brand === 'mp4' ? 'isom' : 'qt  ',
      });
      const video = await packetsOf(out, 'v');
      expect(video.count).toBe(frames);
      expect(video.end).toBeCloseTo(seconds, 3);
      // Each part's priming samples are skipped by its own edit: the sound is its parts' length
      // (ffmpeg's decoder may keep at most one frame of padding at each joint).
      const samples = await decodedSamples(out);
      expect(samples).toBeGreaterThanOrEqual(Math.round(seconds * 48000));
      expect(samples - seconds * 48000).toBeLessThanOrEqual((parts.length - 1) * 1024);
      const head = readFileSync(out).subarray(0, 4096).toString('latin1');
      expect(head.indexOf('moov')).toBeLessThan(head.indexOf('mdat'));
      expect(await decodeErrors(out)).toBe('');
    },
  );

  it('refuses parts of different stream parameters', async () => {
    const medium = await mezzanines(outputProfile('MEDIUM', 'MP4', '16:9'));
    const indexes = await Promise.all([parts[0], medium[1]].map((p) => readMp4Index(p)));
    expect(() => assertJoinable(indexes)).toThrow(UnsupportedMediaError);
  });

  it('hands outputs it cannot join to ffmpeg, and joins the others itself', async () => {
    // A joined file has one sound edit per part: not a mezzanine this module joins again.
    const joined = join(work, 'joined.mp4');
    await writeJoined(await Promise.all(parts.map((p) => readMp4Index(p))), joined, 'mp4', {});
    const before = runner.runs;
    const outDir = mkdtempSync(join(work, 'out-'));
    await assemble(
      runner,
      [
        { parts, metadata: { n: '1' }, outputPath: join(outDir, 'by-copy.mp4') },
        {
          parts: [joined, parts[0]],
          metadata: { n: '2' },
          outputPath: join(outDir, 'by-ffmpeg.mp4'),
        },
      ],
      { profile: low, indexes: new Mp4IndexCache() },
    );
    expect(runner.runs - before).toBe(1);
    expect(readdirSync(outDir).sort()).toEqual(['by-copy.mp4', 'by-ffmpeg.mp4']);
    for (const file of ['by-copy.mp4', 'by-ffmpeg.mp4']) {
      expect(await decodeErrors(join(outDir, file))).toBe('');
    }
    expect((await streamsOf(join(outDir, 'by-ffmpeg.mp4'))).tags.n).toBe('2');
  });

  it('stops on abort and leaves no partial file', async () => {
    const outDir = mkdtempSync(join(work, 'abort-'));
    const controller = new AbortController();
    controller.abort();
    await expect(
      assemble(runner, [{ parts, metadata: {}, outputPath: join(outDir, 'x.mp4') }], {
        profile: low,
        signal: controller.signal,
      }),
    ).rejects.toBeInstanceOf(FfmpegAbortedError);
    expect(readdirSync(outDir)).toEqual([]);
    expect(existsSync(join(outDir, 'x.mp4'))).toBe(false);
  });
});
