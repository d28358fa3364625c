import { isUntreated, resolveTreatment, treatmentTag } from './clip-treatment';
import { normalizeFilters } from './normalizer';
import { outputProfile } from './output-profiles';

const info = {
  durationSeconds: 2,
  width: 320,
  height: 180,
  rotation: 0,
  fps: 30,
  hasAudio: true,
  formatName: 'mov,mp4',
  videoCodec: 'h264',
  audioCodec: 'aac',
};

describe('clip treatments', () => {
  it('leave a clip untreated when no creative setting is given, so its cache name stays', () => {
    const t = resolveTreatment({}, undefined);
    expect(isUntreated(t)).toBe(true);
    expect(treatmentTag(t)).toBeNull();
    expect(treatmentTag(resolveTreatment({ fill: 'pad' }, { focus: { x: 0, y: 0 } }))).toBeNull();
  });

  it('make the same normalize filters as before issue 17 for an untreated clip', () => {
    const clip = { videoId: 'v', path: '/x.mp4', info } as never;
    const profile = outputProfile('LOW', 'MP4', '16:9');
    expect(normalizeFilters(clip, profile, 0, { treatment: resolveTreatment({}, undefined) })).toBe(
      normalizeFilters(clip, profile),
    );
  });

  it('hash what changes the picture or sound, whatever the order of keys', () => {
    const a = resolveTreatment({ fill: 'blur', fades: { seconds: 0.15 }, loudness: {} }, undefined);
    const b = resolveTreatment({ loudness: {}, fades: { seconds: 0.15 }, fill: 'blur' }, undefined);
    expect(treatmentTag(a)).toMatch(/^[0-9a-f]{16}$/);
    expect(treatmentTag(a)).toBe(treatmentTag(b));
    const louder = resolveTreatment(
      { fill: 'blur', fades: { seconds: 0.15 }, loudness: { targetLufs: -10 } },
      undefined,
    );
    expect(treatmentTag(louder)).not.toBe(treatmentTag(a));
  });

  it('count a logo by its content, not by where the file lies', () => {
    const at = (path: string, digest: string) =>
      treatmentTag(resolveTreatment({ watermark: { path } }, undefined, { watermark: digest }));
    expect(at('/tmp/a.png', 'd1')).toBe(at('/tmp/b.png', 'd1'));
    expect(at('/tmp/a.png', 'd1')).not.toBe(at('/tmp/a.png', 'd2'));
  });

  it('give the crop focus and the caption to the clip that has them', () => {
    const settings = { fill: 'crop' as const };
    const left = resolveTreatment(settings, { focus: { x: 0, y: 0.5 } });
    const centre = resolveTreatment(settings, undefined);
    expect(centre.focus).toEqual({ x: 0.5, y: 0.5 });
    expect(treatmentTag(left)).not.toBe(treatmentTag(centre));
    expect(resolveTreatment({}, { caption: '  ' }).caption).toBeUndefined();
    expect(resolveTreatment({}, { caption: 'Hi' }).caption?.text).toBe('Hi');
  });

  it('turn a fade transition into clip fades of half its length', () => {
    const t = resolveTreatment({ transition: { type: 'fade', seconds: 0.4 } }, undefined);
    expect([t.fadeInSeconds, t.fadeOutSeconds]).toEqual([0.2, 0.2]);
  });
});
