/**
 * Per-clip treatments (issue 17), each checked from the output itself: loudness by ebur128,
 * logo, caption, fill and fades by the pixels of decoded frames, the cache by its files.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FfmpegRunner } from '@app/media';
import { makeClip } from '@app/media/testing';
import {
  CaptionFontMissingError,
  MixingEngine,
  outputProfile,
  type MixingSettings,
  type MixSource,
} from '@app/mixing';
import {
  differingPixels,
  frameAt,
  integratedLoudness,
  makeColourClip,
  makeImage,
  meanColour,
  pixel,
  rmsBetween,
  sourceOf,
} from './creative-checks';
import { decodeErrors } from './media-checks';

jest.setTimeout(180_000);

let work: string;
let clipsDir: string;
const runner = new FfmpegRunner({ maxConcurrent: 2 });
let engine: MixingEngine;
let run = 0;

const BASE: MixingSettings = { outputFormat: 'MP4', quality: 'LOW', aspectRatio: '16:9' };

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'vmp-creative-'));
  clipsDir = join(tmpdir(), 'vmp-test-colour-clips');
  engine = new MixingEngine({ cacheDir: join(work, 'cache'), runner });
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

async function mixOne(sources: MixSource[], settings: MixingSettings, ids?: string[]) {
  const result = await engine.mix({
    combinations: [ids ?? sources.map((s) => s.videoId)],
    sources,
    settings,
    job: { jobId: 'job', projectName: 'Creative' },
    outputDir: join(work, `out-${run++}`),
  });
  return { result, path: result.outputs[0].path };
}

describe('loudness normalization', () => {
  it('brings a quiet and a loud clip to −14 LUFS integrated, each and joined', async () => {
    const quiet = await sourceOf(
      'quiet',
      await makeColourClip(clipsDir, {
        colour: 'blue',
        width: 320,
        height: 180,
        seconds: 3,
        tone: { hz: 440, volume: 0.05 },
      }),
    );
    const loud = await sourceOf(
      'loud',
      await makeColourClip(clipsDir, {
        colour: 'red',
        width: 320,
        height: 180,
        seconds: 3,
        tone: { hz: 660, volume: 0.9 },
      }),
    );
    const settings = { ...BASE, loudness: {} };
    for (const source of [quiet, loud]) {
      const before = await integratedLoudness(source.path);
      const { path } = await mixOne([source], settings);
      expect(Math.abs(before - -14)).toBeGreaterThan(3);
      expect(Math.abs((await integratedLoudness(path)) - -14)).toBeLessThanOrEqual(1);
    }
    const joined = await mixOne([quiet, loud], settings);
    expect(joined.result.encodedClips).toBe(0);
    expect(Math.abs((await integratedLoudness(joined.path)) - -14)).toBeLessThanOrEqual(1);
    expect(
      Math.abs(
        (await rmsBetween(joined.path, 0.5, 2.5)) - (await rmsBetween(joined.path, 3.5, 5.5)),
      ),
    ).toBeLessThan(1.5);
  });

  it('reaches another target when one is given', async () => {
    const source = await sourceOf(
      'tone',
      await makeClip({
        width: 320,
        height: 180,
        fps: 30,
        durationSeconds: 3,
        audio: true,
        container: 'mp4',
      }),
    );
    const { path } = await mixOne([source], { ...BASE, loudness: { targetLufs: -23 } });
    expect(Math.abs((await integratedLoudness(path)) - -23)).toBeLessThanOrEqual(1);
  });
});

describe('fill modes', () => {
  let portrait: MixSource;
  beforeAll(async () => {
    portrait = await sourceOf(
      'portrait',
      await makeClip({
        width: 180,
        height: 320,
        fps: 30,
        durationSeconds: 1,
        audio: true,
        container: 'mp4',
      }),
    );
  });

  it('pads with black bars by default', async () => {
    const frame = await frameAt((await mixOne([portrait], BASE)).path, 0.5);
    expect(Math.max(...meanColour(frame, [0, 0, 0.15, 1]))).toBeLessThan(20);
  });

  it('blur: the bands show a blurred copy of the clip, not black', async () => {
    const { path } = await mixOne([portrait], { ...BASE, fill: 'blur' });
    const frame = await frameAt(path, 0.5);
    expect(frame.width).toBe(854);
    for (const band of [
      [0, 0, 0.15, 1],
      [0.85, 0, 1, 1],
    ] as [number, number, number, number][]) {
      expect(Math.max(...meanColour(frame, band))).toBeGreaterThan(40);
    }
    expect(await decodeErrors(path)).toBe('');
  });

  it('crop: fills the frame, centred or at the clip’s focus point', async () => {
    const spec = { colour: 'red', bottomColour: 'green', width: 180, height: 320, seconds: 1 };
    const file = await makeColourClip(clipsDir, spec);
    const top = await sourceOf('top', file, { focus: { x: 0.5, y: 0 } });
    const bottom = await sourceOf('bottom', file, { focus: { x: 0.5, y: 1 } });
    const centred = await sourceOf('centred', file);
    const at = async (s: MixSource) =>
      frameAt((await mixOne([s], { ...BASE, fill: 'crop' })).path, 0.5);
    const [r, , b] = meanColour(await at(top), [0, 0, 1, 1]);
    expect(r).toBeGreaterThan(200);
    expect(b).toBeLessThan(40);
    const [r2, g2] = meanColour(await at(bottom), [0, 0, 1, 1]);
    expect(g2).toBeGreaterThan(100);
    expect(r2).toBeLessThan(40);
    const mid = await at(centred);
    expect(pixel(mid, 427, 100)[0]).toBeGreaterThan(200);
    expect(pixel(mid, 427, 380)[1]).toBeGreaterThan(100);
  });
});

describe('logo', () => {
  it('sits at its corner, at its scale, over the clip', async () => {
    const clip = await sourceOf(
      'blue',
      await makeColourClip(clipsDir, { colour: 'blue', width: 320, height: 180, seconds: 1 }),
    );
    const logo = await makeImage(clipsDir, 'red', 64, 64);
    const settings: MixingSettings = {
      ...BASE,
      watermark: { path: logo, position: 'top-left', scale: 0.1, opacity: 1, margin: 0.02 },
    };
    const frame = await frameAt((await mixOne([clip], settings)).path, 0.5);
    // 854 wide: margin 17 px, logo 86 px square.
    const [r, , b] = meanColour(frame, [25 / 854, 25 / 480, 95 / 854, 95 / 480]);
    expect(r).toBeGreaterThan(200);
    expect(b).toBeLessThan(60);
    for (const [x, y] of [
      [8, 8],
      [150, 150],
      [800, 30],
      [800, 450],
    ]) {
      const p = pixel(frame, x, y);
      expect(p[2]).toBeGreaterThan(180);
      expect(p[0]).toBeLessThan(60);
    }
    const br = await frameAt(
      (
        await mixOne([clip], {
          ...settings,
          watermark: { ...settings.watermark!, position: 'bottom-right', opacity: 0.5 },
        })
      ).path,
      0.5,
    );
    const [r2, , b2] = meanColour(br, [770 / 854, 400 / 480, 830 / 854, 455 / 480]);
    // Half red over blue.
    expect(r2).toBeGreaterThan(90);
    expect(r2).toBeLessThan(170);
    expect(b2).toBeGreaterThan(90);
    expect(b2).toBeLessThan(170);
  });
});

describe('captions', () => {
  const blue = () =>
    makeColourClip(clipsDir, { colour: 'blue', width: 320, height: 180, seconds: 1 });

  it('draws the caption at the bottom of the safe zone and nowhere else', async () => {
    const file = await blue();
    const plain = await frameAt((await mixOne([await sourceOf('plain', file)], BASE)).path, 0.5);
    const captioned = await frameAt(
      (await mixOne([await sourceOf('capt', file, { caption: 'Spring sale — 20 % off' })], BASE))
        .path,
      0.5,
    );
    // 16:9 safe zone: 10 % from the bottom (48 px) plus the box border.
    expect(differingPixels(plain, captioned, [0.1, 0.6, 0.9, 0.9])).toBeGreaterThan(500);
    expect(differingPixels(plain, captioned, [0, 0, 1, 0.5])).toBe(0);
    expect(differingPixels(plain, captioned, [0, 0.92, 1, 1])).toBe(0);
  });

  it.each([
    ['Arabic', 'مرحبا بالعالم'],
    ['Hebrew', 'שלום עולם'],
  ])('renders %s text with glyphs', async (_, text) => {
    const file = await blue();
    const settings: MixingSettings = {
      ...BASE,
      captions: { box: false, position: 'middle', color: '#FFFFFF', fontSize: 0.08 },
    };
    const plain = await frameAt((await mixOne([await sourceOf('p', file)], settings)).path, 0.5);
    const frame = await frameAt(
      (await mixOne([await sourceOf(`rtl${text.length}`, file, { caption: text })], settings)).path,
      0.5,
    );
    // White glyph strokes over blue (no box): many pixels turn bright, none of them a
    // replacement box outline only.
    let white = 0;
    for (let y = 180; y < 300; y++) {
      for (let x = 0; x < 854; x++) {
        const [r, g] = pixel(frame, x, y);
        if (r > 200 && g > 200) white++;
      }
    }
    expect(white).toBeGreaterThan(300);
    expect(differingPixels(plain, frame, [0, 0.35, 1, 0.65])).toBeGreaterThan(300);
  });

  it('fails clearly when the font is missing', async () => {
    const broken = new MixingEngine({
      cacheDir: join(work, 'cache-nofont'),
      runner,
      captionFont: '/nonexistent/font.ttf',
    });
    await expect(
      broken.mix({
        combinations: [['x']],
        sources: [await sourceOf('x', await blue(), { caption: 'hi' })],
        settings: BASE,
        job: { jobId: 'j', projectName: 'p' },
        outputDir: join(work, 'nofont'),
      }),
    ).rejects.toBeInstanceOf(CaptionFontMissingError);
  });
});

describe('fades', () => {
  it('fades picture and sound in and out at each clip’s edges', async () => {
    const file = await makeColourClip(clipsDir, {
      colour: 'white',
      width: 320,
      height: 180,
      seconds: 2,
      tone: { hz: 440, volume: 0.5 },
    });
    const { path } = await mixOne([await sourceOf('a', file), await sourceOf('b', file)], {
      ...BASE,
      fades: { seconds: 0.3 },
    });
    const start = meanColour(await frameAt(path, 0), [0, 0, 1, 1]);
    const middle = meanColour(await frameAt(path, 1), [0, 0, 1, 1]);
    const joint = meanColour(await frameAt(path, 1.98), [0, 0, 1, 1]);
    expect(Math.max(...start)).toBeLessThan(40);
    expect(Math.min(...middle)).toBeGreaterThan(220);
    expect(Math.max(...joint)).toBeLessThan(60);
    const loud = await rmsBetween(path, 0.8, 1.2);
    expect(await rmsBetween(path, 0, 0.05)).toBeLessThan(loud - 12);
    expect(await rmsBetween(path, 1.95, 2.05)).toBeLessThan(loud - 12);
  });
});

describe('the mezzanine cache', () => {
  it('keeps untreated names, names treated mezzanines by their treatment and reuses them', async () => {
    const source = await sourceOf(
      'cached',
      await makeColourClip(clipsDir, { colour: 'gray', width: 320, height: 180, seconds: 1 }),
    );
    const profile = outputProfile('LOW', 'MP4', '16:9');
    await mixOne([source], BASE);
    expect(existsSync(join(work, 'cache', profile.key, 'cached.mp4'))).toBe(true);
    const treated = { ...BASE, fill: 'blur' as const, fades: { seconds: 0.1 } };
    const first = await mixOne([source], treated);
    expect(first.result.encodedClips).toBe(1);
    const again = await mixOne([source], { ...treated });
    expect(again.result.encodedClips).toBe(0);
    const other = await mixOne([source], { ...treated, fades: { seconds: 0.2 } });
    expect(other.result.encodedClips).toBe(1);
  });
});
