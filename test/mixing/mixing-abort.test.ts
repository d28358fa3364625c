import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FfmpegAbortedError, FfmpegRunner, probe } from '@app/media';
import { makeClip } from '@app/media/testing';
import { MixingEngine, type MixSource } from '@app/mixing';

jest.setTimeout(60_000);

let work: string;
afterAll(() => rmSync(work, { recursive: true, force: true }));

it('kills ffmpeg promptly on abort and leaves no partial file', async () => {
  work = mkdtempSync(join(tmpdir(), 'vmp-abort-'));
  const path = await makeClip({
    width: 640,
    height: 360,
    fps: 30,
    durationSeconds: 6,
    audio: true,
    container: 'mp4',
  });
  const sources: MixSource[] = ['a', 'b'].map((videoId) => ({
    videoId,
    path,
    originalName: 'x.mp4',
    info: undefined!,
  }));
  const info = await probe(path);
  for (const s of sources) s.info = info;
  const controller = new AbortController();
  let abortedAt = 0;
  const mixing = new MixingEngine({
    cacheDir: join(work, 'cache'),
    runner: new FfmpegRunner({ maxConcurrent: 1 }),
  }).mix({
    combinations: [['a', 'b']],
    sources,
    settings: { outputFormat: 'MP4', quality: 'ULTRA' },
    job: { jobId: 'j', projectName: 'p' },
    outputDir: join(work, 'out'),
    signal: controller.signal,
    onProgress: () => {
      if (!abortedAt) {
        abortedAt = Date.now();
        controller.abort();
      }
    },
  });
  await expect(mixing).rejects.toBeInstanceOf(FfmpegAbortedError);
  expect(Date.now() - abortedAt).toBeLessThan(1000);
  const cacheDir = join(work, 'cache');
  const left = existsSync(cacheDir)
    ? readdirSync(cacheDir, { recursive: true, encoding: 'utf8' })
    : [];
  expect(
    left.filter((f) => /\.(mp4|mov)$/.test(f) || f.includes('.partial') || f.includes('.concat')),
  ).toEqual([]);
  expect(readdirSync(join(work, 'out'))).toEqual([]);
});
