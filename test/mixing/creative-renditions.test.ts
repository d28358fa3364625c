/** Several renditions per job (issue 17): each normalized once, each checked from its files. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FfmpegRunner } from '@app/media';
import { makeClip } from '@app/media/testing';
import { MixingEngine, renditionFps, type MixSource } from '@app/mixing';
import { sourceOf } from './creative-checks';
import { decodeErrors, packetsOf, streamsOf } from './media-checks';

jest.setTimeout(300_000);

let work: string;
let engine: MixingEngine;
let clips: Record<string, MixSource>;
const runner = new FfmpegRunner({ maxConcurrent: 2 });

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'vmp-renditions-'));
  engine = new MixingEngine({ cacheDir: join(work, 'cache'), runner });
  const clip = (fps: number) =>
    makeClip({ width: 320, height: 180, fps, durationSeconds: 1, audio: true, container: 'mp4' });
  clips = {
    a30: await sourceOf('a30', await clip(30)),
    b30: await sourceOf('b30', await clip(30)),
    c60: await sourceOf('c60', await clip(60)),
    d25: await sourceOf('d25', await clip(25)),
  };
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

type VideoStream = { codec_type: string; codec_name: string; codec_tag_string?: string };

describe('renditions', () => {
  it('renders the plan in every rendition, each clip normalized once per rendition', async () => {
    const outputs: { rendition: number; filename: string }[] = [];
    const result = await engine.mix({
      combinations: [
        ['a30', 'b30'],
        ['b30', 'a30'],
      ],
      sources: [clips.a30, clips.b30],
      settings: {
        outputFormat: 'MP4',
        quality: 'LOW',
        renditions: [
          { aspectRatio: '16:9', format: 'MP4', quality: 'LOW' },
          { aspectRatio: '9:16', format: 'MOV', quality: 'LOW' },
          { aspectRatio: '1:1', format: 'MP4', quality: 'LOW', codec: 'hevc' },
        ],
      },
      job: { jobId: 'j', projectName: 'p' },
      outputDir: join(work, 'three'),
      onOutput: (o) => void outputs.push(o),
    });
    expect(result.encodedClips).toBe(6);
    expect(result.outputs.map((o) => [o.combinationIndex, o.rendition, o.filename]).sort()).toEqual(
      [
        [0, 0, 'output-0000-r0.mp4'],
        [0, 1, 'output-0000-r1.mov'],
        [0, 2, 'output-0000-r2.mp4'],
        [1, 0, 'output-0001-r0.mp4'],
        [1, 1, 'output-0001-r1.mov'],
        [1, 2, 'output-0001-r2.mp4'],
      ],
    );
    expect(outputs).toHaveLength(6);
    const sizes = { 0: [854, 480], 1: [480, 854], 2: [480, 480] } as Record<number, number[]>;
    for (const output of result.outputs) {
      const { streams } = await streamsOf(output.path);
      const video = streams.find((s) => s.codec_type === 'video')!;
      expect([video.width, video.height]).toEqual(sizes[output.rendition]);
      const codec = video as unknown as VideoStream;
      if (output.rendition === 2) {
        expect([codec.codec_name, codec.codec_tag_string]).toEqual(['hevc', 'hvc1']);
      } else expect(codec.codec_name).toBe('h264');
      expect((await packetsOf(output.path, 'v')).count).toBe(60);
      expect(await decodeErrors(output.path)).toBe('');
    }
  });

  it('skips single outputs already recorded', async () => {
    const result = await engine.mix({
      combinations: [['a30'], ['b30']],
      sources: [clips.a30, clips.b30],
      settings: {
        outputFormat: 'MP4',
        quality: 'LOW',
        renditions: [
          { aspectRatio: '16:9', format: 'MP4', quality: 'LOW' },
          { aspectRatio: '9:16', format: 'MP4', quality: 'LOW' },
        ],
      },
      job: { jobId: 'j', projectName: 'p' },
      outputDir: join(work, 'skip'),
      skipOutputs: new Set(['0:1', '1:0']),
    });
    expect(result.outputs.map((o) => `${o.combinationIndex}:${o.rendition}`).sort()).toEqual([
      '0:0',
      '1:1',
    ]);
  });

  it.each([
    [60, ['c60', 'a30'], '60/1'],
    [60, ['a30', 'b30'], '30/1'],
    ['source', ['d25'], '25/1'],
  ] as const)('fps %s with sources %j gives %s', async (fps, ids, rate) => {
    const result = await engine.mix({
      combinations: [[...ids]],
      sources: ids.map((id) => clips[id]),
      settings: {
        outputFormat: 'MP4',
        quality: 'LOW',
        renditions: [{ aspectRatio: '16:9', format: 'MP4', quality: 'LOW', fps }],
      },
      job: { jobId: 'j', projectName: 'p' },
      outputDir: join(work, `fps-${fps}-${ids.join('')}`),
    });
    const { streams } = await streamsOf(result.outputs[0].path);
    expect(streams.find((s) => s.codec_type === 'video')!.r_frame_rate).toBe(rate);
    expect(await decodeErrors(result.outputs[0].path)).toBe('');
  });

  it('resolves the frame rate rule', () => {
    expect(renditionFps(undefined, 60)).toBe(30);
    expect(renditionFps(60, 59.94)).toBe(60);
    expect(renditionFps(60, 30)).toBe(30);
    expect(renditionFps('source', 120)).toBe(60);
    expect(renditionFps('source', 23.976)).toBe(24);
  });
});
