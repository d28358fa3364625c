import { MediaProbeError } from './media-errors';
import { parseProbeJson, rate } from './probe-parser';

const video = {
  codec_type: 'video',
  codec_name: 'h264',
  width: 1920,
  height: 1080,
  avg_frame_rate: '30000/1001',
  duration: '2.5',
};

describe('probe parser', () => {
  it('reads size, rate, duration and audio', () => {
    const info = parseProbeJson({
      streams: [video, { codec_type: 'audio', codec_name: 'aac' }],
      format: { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', duration: '2.6' },
    });
    expect(info).toMatchObject({
      width: 1920,
      height: 1080,
      durationSeconds: 2.5,
      hasAudio: true,
      audioCodec: 'aac',
      rotation: 0,
    });
    expect(info.fps).toBeCloseTo(29.97, 2);
  });

  it('swaps width and height for a phone video rotated by its display matrix', () => {
    const info = parseProbeJson({
      streams: [{ ...video, side_data_list: [{ rotation: -90 }] }],
      format: { format_name: 'mov' },
    });
    expect(info).toMatchObject({ width: 1080, height: 1920, rotation: 90 });
  });

  it('reads the older rotate tag', () => {
    expect(
      parseProbeJson({ streams: [{ ...video, tags: { rotate: '270' } }], format: {} }).rotation,
    ).toBe(270);
  });

  it.each([
    [
      {
        streams: [{ codec_type: 'audio', codec_name: 'mp3' }],
        format: { format_name: 'mp3', duration: '3' },
      },
      'NO_VIDEO_STREAM',
    ],
    [{ streams: [video], format: { format_name: 'png_pipe' } }, 'NOT_A_VIDEO'],
    [
      { streams: [{ ...video, duration: '0' }], format: { format_name: 'mov', duration: '0' } },
      'ZERO_DURATION',
    ],
    [{ streams: [{ ...video, width: 0 }], format: { format_name: 'mov' } }, 'CORRUPT'],
    [{}, 'NOT_A_VIDEO'],
  ])('refuses %j as %s', (json, reason) => {
    expect(() => parseProbeJson(json)).toThrow(MediaProbeError);
    try {
      parseProbeJson(json);
    } catch (error) {
      expect((error as MediaProbeError).reason).toBe(reason);
    }
  });

  it('reads frame rates', () => {
    expect(rate('25/1')).toBe(25);
    expect(rate('0/0')).toBeUndefined();
  });
});
