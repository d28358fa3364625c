/** Background music per output (issue 17): heard in the clips' pauses, ducked under their sound. */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FfmpegRunner } from '@app/media';
import { MixingEngine, type MixingSettings, type MixSource } from '@app/mixing';
import { makeColourClip, makeTone, rmsBetween, sourceOf, streamHash } from './creative-checks';
import { decodeErrors, packetsOf, streamsOf } from './media-checks';

jest.setTimeout(180_000);

let work: string;
let engine: MixingEngine;
let speech: MixSource;
let pause: MixSource;
let music: string;
let run = 0;
const runner = new FfmpegRunner({ maxConcurrent: 2 });
const clipsDir = join(tmpdir(), 'vmp-test-colour-clips');
/** The music is a 220 Hz tone, the clips' sound a 1 kHz one: a band-pass tells them apart. */
const MUSIC_BAND = 'bandpass=f=220:width_type=q:w=8';
const BASE: MixingSettings = {
  outputFormat: 'MP4',
  quality: 'LOW',
  aspectRatio: '16:9',
  metadata: { static: { campaign: 'spring' } },
};

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'vmp-music-'));
  engine = new MixingEngine({ cacheDir: join(work, 'cache'), runner });
  speech = await sourceOf(
    'speech',
    await makeColourClip(clipsDir, {
      colour: 'red',
      width: 320,
      height: 180,
      seconds: 2,
      tone: { hz: 1000, volume: 0.5 },
    }),
  );
  pause = await sourceOf(
    'pause',
    await makeColourClip(clipsDir, { colour: 'blue', width: 320, height: 180, seconds: 2 }),
  );
  // Shorter than the output: it has to loop.
  music = await makeTone(clipsDir, 220, 1.5, 0.5);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

async function mixWith(settings: MixingSettings) {
  const outputDir = join(work, `out-${run++}`);
  const result = await engine.mix({
    combinations: [['speech', 'pause']],
    sources: [speech, pause],
    settings,
    job: { jobId: 'job', projectName: 'Music' },
    outputDir,
  });
  return { path: result.outputs[0].path, outputDir, output: result.outputs[0] };
}

describe('background music', () => {
  it('is heard where the clips are silent and ducked where they sound; the picture is a copy', async () => {
    const plain = await mixWith(BASE);
    const { path, outputDir } = await mixWith({ ...BASE, music: { path: music, volume: 0.5 } });
    const underSpeech = await rmsBetween(path, 0.5, 1.5, MUSIC_BAND);
    const inPause = await rmsBetween(path, 2.5, 3.5, MUSIC_BAND);
    expect(inPause).toBeGreaterThan(-45);
    expect(underSpeech).toBeLessThan(inPause - 6);
    // Looped past the file's 1.5 s, faded out at the end.
    expect(await rmsBetween(path, 3.9, 4, MUSIC_BAND)).toBeLessThan(inPause - 10);
    // The clips' own sound is still there, as loud as without music; silence stays silence.
    const voice = 'bandpass=f=1000:width_type=q:w=8';
    const own = await rmsBetween(plain.path, 0.5, 1.5, voice);
    expect(own).toBeGreaterThan(-35);
    expect(Math.abs((await rmsBetween(path, 0.5, 1.5, voice)) - own)).toBeLessThan(1);
    expect(await rmsBetween(plain.path, 2.5, 3.5, MUSIC_BAND)).toBeLessThan(-60);

    expect(await streamHash(path, 'v')).toBe(await streamHash(plain.path, 'v'));
    expect((await packetsOf(path, 'a')).end).toBeCloseTo(4, 1);
    const { tags } = await streamsOf(path);
    expect(tags.campaign).toBe('spring');
    const bytes = readFileSync(path);
    expect(bytes.indexOf('moov')).toBeLessThan(bytes.indexOf('mdat'));
    expect(await decodeErrors(path)).toBe('');
    expect(readdirSync(outputDir)).toEqual(['output-0000.mp4']);
  });

  it.each([
    ['an AVI output', { outputFormat: 'AVI' as const }],
    ['a crossfaded output', { transition: { type: 'crossfade' as const, seconds: 0.4 } }],
  ])('is added to %s the same way', async (_, extra) => {
    const { path, output } = await mixWith({ ...BASE, ...extra, music: { path: music } });
    const end = output.durationSeconds;
    expect(await rmsBetween(path, end - 1.5, end - 1.1, MUSIC_BAND)).toBeGreaterThan(-45);
    expect((await packetsOf(path, 'a')).end).toBeCloseTo(end, 1);
    expect(await decodeErrors(path)).toBe('');
  });

  it('without ducking keeps the music at one level', async () => {
    const { path } = await mixWith({ ...BASE, music: { path: music, volume: 0.5, duck: false } });
    const underSpeech = await rmsBetween(path, 0.5, 1.5, MUSIC_BAND);
    const inPause = await rmsBetween(path, 2.5, 3.5, MUSIC_BAND);
    expect(Math.abs(underSpeech - inPause)).toBeLessThan(1.5);
  });
});
