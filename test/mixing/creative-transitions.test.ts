/** Transitions between parts (issue 17): fade through black, and a real crossfade. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FfmpegRunner } from '@app/media';
import { MixingEngine, outputProfile, type MixingSettings, type MixSource } from '@app/mixing';
import { frameAt, makeColourClip, meanColour, rmsBetween, sourceOf } from './creative-checks';
import { decodeErrors, packetsOf } from './media-checks';

jest.setTimeout(180_000);

let work: string;
let engine: MixingEngine;
let red: MixSource;
let blue: MixSource;
let green: MixSource;
let run = 0;
const runner = new FfmpegRunner({ maxConcurrent: 2 });
const clipsDir = join(tmpdir(), 'vmp-test-colour-clips');
const BASE: MixingSettings = { outputFormat: 'MP4', quality: 'LOW', aspectRatio: '16:9' };

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'vmp-transitions-'));
  engine = new MixingEngine({ cacheDir: join(work, 'cache'), runner });
  const clip = (colour: string, hz: number) =>
    makeColourClip(clipsDir, {
      colour,
      width: 320,
      height: 180,
      seconds: 2,
      tone: { hz, volume: 0.5 },
    });
  red = await sourceOf('red', await clip('red', 440));
  blue = await sourceOf('blue', await clip('blue', 880));
  green = await sourceOf('green', await clip('green', 440));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

async function mix(combinations: string[][], settings: MixingSettings) {
  return engine.mix({
    combinations,
    sources: [red, blue, green],
    settings,
    job: { jobId: 'job', projectName: 'Transitions' },
    outputDir: join(work, `out-${run++}`),
  });
}

describe('transitions', () => {
  it('fade: goes through black at the joint, at full colour elsewhere', async () => {
    const result = await mix([['red', 'blue']], {
      ...BASE,
      transition: { type: 'fade', seconds: 0.4 },
    });
    const { path } = result.outputs[0];
    expect(result.outputs[0].durationSeconds).toBeCloseTo(4, 5);
    expect(Math.max(...meanColour(await frameAt(path, 1.99), [0, 0, 1, 1]))).toBeLessThan(30);
    expect(Math.max(...meanColour(await frameAt(path, 2.0), [0, 0, 1, 1]))).toBeLessThan(30);
    expect(meanColour(await frameAt(path, 1), [0, 0, 1, 1])[0]).toBeGreaterThan(200);
    expect(meanColour(await frameAt(path, 3), [0, 0, 1, 1])[2]).toBeGreaterThan(200);
  });

  it('crossfade: the joint frames blend both parts; the rest is copied; length shrinks by the overlaps', async () => {
    const settings = { ...BASE, transition: { type: 'crossfade' as const, seconds: 0.5 } };
    const result = await mix(
      [
        ['red', 'blue', 'green'],
        ['blue', 'red'],
      ],
      settings,
    );
    const [three, two] = result.outputs;
    expect(three.durationSeconds).toBeCloseTo(6 - 2 * 0.5, 5);
    expect(two.durationSeconds).toBeCloseTo(3.5, 5);
    expect((await packetsOf(three.path, 'v')).count).toBe(150);
    expect((await packetsOf(three.path, 'a')).end).toBeCloseTo(5, 1);
    // Red, then the red→blue overlap (1.5–2.0 s), blue, blue→green (3.0–3.5 s), green.
    const at = async (t: number) => meanColour(await frameAt(three.path, t), [0, 0, 1, 1]);
    const [r0, , b0] = await at(0.8);
    expect(r0).toBeGreaterThan(200);
    expect(b0).toBeLessThan(40);
    const [r1, , b1] = await at(1.75);
    // Halfway: both colours at once, neither at full strength.
    expect(r1).toBeGreaterThan(60);
    expect(r1).toBeLessThan(200);
    expect(b1).toBeGreaterThan(60);
    expect(b1).toBeLessThan(200);
    const early = await at(1.55);
    const late = await at(1.95);
    expect(early[0]).toBeGreaterThan(late[0]);
    expect(early[2]).toBeLessThan(late[2]);
    expect((await at(2.5))[2]).toBeGreaterThan(200);
    const [, g2, b2] = await at(3.25);
    expect(g2).toBeGreaterThan(30);
    expect(b2).toBeGreaterThan(60);
    expect(b2).toBeLessThan(200);
    expect((await at(4.5))[1]).toBeGreaterThan(100);
    // The sound overlaps too: both tones are present at the joint.
    expect(
      await rmsBetween(three.path, 1.65, 1.85, 'bandpass=f=440:width_type=q:w=8'),
    ).toBeGreaterThan(-45);
    expect(
      await rmsBetween(three.path, 1.65, 1.85, 'bandpass=f=880:width_type=q:w=8'),
    ).toBeGreaterThan(-45);
    expect(await decodeErrors(three.path)).toBe('');
    expect(await decodeErrors(two.path)).toBe('');
    // Joints are cached by their pair: a second run with the same plan encodes nothing.
    const again = await mix([['red', 'blue', 'green']], settings);
    expect(again.encodedClips).toBe(0);
    const dir = join(work, 'cache', outputProfile('LOW', 'MP4', '16:9').key);
    expect(readdirSync(dir).filter((f) => f.startsWith('xf-'))).toHaveLength(3);
  });
});
