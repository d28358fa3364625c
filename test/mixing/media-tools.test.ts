import { writeFileSync, mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FfmpegFailedError,
  FfmpegRunner,
  FfmpegTimeoutError,
  MediaProbeError,
  probe,
} from '@app/media';
import { makeClip } from '@app/media/testing';

jest.setTimeout(60_000);

let work: string;
beforeAll(() => (work = mkdtempSync(join(tmpdir(), 'vmp-media-'))));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function reasonOf(path: string): Promise<string> {
  try {
    await probe(path);
    return 'accepted';
  } catch (error) {
    return error instanceof MediaProbeError ? error.reason : String(error);
  }
}

describe('probe', () => {
  it('reports a rotated phone clip with its displayed size', async () => {
    const path = await makeClip({
      width: 320,
      height: 180,
      fps: 30,
      durationSeconds: 0.5,
      audio: false,
      container: 'mov',
      rotate: 90,
    });
    expect(await probe(path)).toMatchObject({
      width: 180,
      height: 320,
      rotation: 90,
      hasAudio: false,
      videoCodec: 'h264',
    });
  });

  it('reads size, rate, duration and audio of each container', async () => {
    for (const container of ['mp4', 'mov', 'mkv', 'webm'] as const) {
      const path = await makeClip({
        width: 160,
        height: 90,
        fps: 25,
        durationSeconds: 0.4,
        audio: true,
        container,
      });
      const info = await probe(path);
      expect(info).toMatchObject({ width: 160, height: 90, fps: 25, hasAudio: true });
      expect(info.durationSeconds).toBeCloseTo(0.4, 1);
    }
  });

  it('refuses a text file, an audio file and a truncated video with typed reasons', async () => {
    const text = join(work, 'notes.txt');
    writeFileSync(text, 'hello, not a video\n');
    expect(await reasonOf(text)).toBe('NOT_A_VIDEO');

    const wav = join(work, 'tone.wav');
    await new FfmpegRunner().run(['-f', 'lavfi', '-i', 'sine=duration=0.2', '-y', wav]);
    expect(await reasonOf(wav)).toBe('NO_VIDEO_STREAM');

    const clip = await makeClip({
      width: 160,
      height: 90,
      fps: 25,
      durationSeconds: 0.4,
      audio: false,
      container: 'mp4',
    });
    const cut = join(work, 'cut.mp4');
    writeFileSync(cut, readFileSync(clip).subarray(0, 2000));
    expect(['CORRUPT', 'NOT_A_VIDEO']).toContain(await reasonOf(cut));
    expect(await reasonOf(join(work, 'missing.mp4'))).toBe('NOT_A_VIDEO');
  });
});

describe('ffmpeg runner', () => {
  it('fails with the end of ffmpeg’s own message', async () => {
    const run = new FfmpegRunner().run(['-i', join(work, 'nope.mp4'), '-f', 'null', '-']);
    await expect(run).rejects.toBeInstanceOf(FfmpegFailedError);
    await expect(run).rejects.toThrow(/No such file/);
  });

  it('kills a run past its time limit', async () => {
    const run = new FfmpegRunner().run(
      ['-re', '-f', 'lavfi', '-i', 'testsrc2=duration=30', '-f', 'null', '-'],
      { timeoutMs: 300 },
    );
    await expect(run).rejects.toBeInstanceOf(FfmpegTimeoutError);
  });

  it('reports progress in output seconds', async () => {
    const times: number[] = [];
    await new FfmpegRunner().run(
      ['-f', 'lavfi', '-i', 'testsrc2=duration=2:size=160x90', '-f', 'null', '-'],
      {
        onProgress: (t) => times.push(t),
      },
    );
    expect(times.at(-1)).toBeCloseTo(2, 1);
  });
});
