import { AssetProbeError, parseAssetProbe } from './probe-asset';

const reason = (json: Parameters<typeof parseAssetProbe>[0]) => {
  try {
    parseAssetProbe(json);
  } catch (e) {
    if (e instanceof AssetProbeError) return e.reason;
    throw e;
  }
  return null;
};

describe('what a brand asset is', () => {
  it('reads a PNG, a JPEG and a WebP as images with their size', () => {
    const image = (codec: string, format: string) =>
      parseAssetProbe({
        format: { format_name: format },
        streams: [{ codec_type: 'video', codec_name: codec, width: 128, height: 64 }],
      });
    expect(image('png', 'png_pipe')).toEqual({
      kind: 'image',
      format: 'png',
      width: 128,
      height: 64,
    });
    expect(image('mjpeg', 'jpeg_pipe')).toMatchObject({ kind: 'image', format: 'jpeg' });
    expect(image('webp', 'webp_pipe')).toMatchObject({ kind: 'image', format: 'webp' });
  });

  it('reads MP3, AAC, WAV and FLAC as sound with its duration (cover art allowed)', () => {
    const sound = (codec: string, format: string) =>
      parseAssetProbe({
        format: { format_name: format, duration: '6.0' },
        streams: [
          { codec_type: 'audio', codec_name: codec },
          { codec_type: 'video', codec_name: 'mjpeg', disposition: { attached_pic: 1 } },
        ],
      });
    expect(sound('mp3', 'mp3')).toEqual({ kind: 'audio', format: 'mp3', durationSeconds: 6 });
    expect(sound('aac', 'mov,mp4,m4a,3gp,3g2,mj2')).toMatchObject({ format: 'aac' });
    expect(sound('pcm_s16le', 'wav')).toMatchObject({ format: 'wav' });
    expect(sound('flac', 'flac')).toMatchObject({ format: 'flac' });
  });

  it('refuses a video, other sound codecs, and files of neither kind', () => {
    expect(
      reason({
        format: { format_name: 'mov,mp4,m4a,3gp,3g2,mj2' },
        streams: [{ codec_type: 'video', codec_name: 'h264', width: 64, height: 64 }],
      }),
    ).toBe('VIDEO');
    expect(
      reason({
        format: { format_name: 'wav' },
        streams: [{ codec_type: 'audio', codec_name: 'opus' }],
      }),
    ).toBe('UNSUPPORTED');
    expect(reason({ format: { format_name: 'tty' }, streams: [] })).toBe('UNSUPPORTED');
    expect(
      reason({
        format: { format_name: 'mp3' },
        streams: [{ codec_type: 'audio', codec_name: 'mp3' }],
      }),
    ).toBe('CORRUPT');
  });
});
