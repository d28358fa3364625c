import { fileInput } from '@app/media';
import type { MusicSettings } from './creative-settings';
import { metadataForContainer } from './output-metadata';
import type { OutputProfile } from './output-profiles';

export const DEFAULT_MUSIC_VOLUME = 0.3;
export const DEFAULT_MUSIC_FADE_OUT_SECONDS = 1;

/**
 * Pure: the sound graph of an output with background music. The music (input 1, looped by
 * `-stream_loop -1`) is resampled, set to its volume, cut to the output's exact length in
 * samples and faded out at the end; with `duck` it goes through a sidechain compressor keyed by
 * the clips' own sound (input 0), so it drops while they sound and comes back in their pauses;
 * then it is mixed under that sound unscaled (amix normalize=0).
 */
export function musicFilters(
  music: MusicSettings,
  profile: OutputProfile,
  durationSeconds: number,
): string {
  const rate = profile.audio.sampleRate;
  const samples = Math.round(durationSeconds * rate);
  const volume = music.volume ?? DEFAULT_MUSIC_VOLUME;
  const fade = Math.min(music.fadeOutSeconds ?? DEFAULT_MUSIC_FADE_OUT_SECONDS, durationSeconds);
  const bed =
    `[1:a:0]aresample=${rate},aformat=sample_rates=${rate}:channel_layouts=stereo,` +
    `volume=${volume},atrim=end_sample=${samples},asetpts=N/SR/TB` +
    (fade > 0 ? `,afade=t=out:st=${(durationSeconds - fade).toFixed(6)}:d=${fade}` : '');
  if (music.duck === false) {
    return `${bed}[bed];[0:a:0][bed]amix=inputs=2:duration=first:normalize=0[mixed]`;
  }
  return (
    `${bed}[bed];[0:a:0]asplit=2[voice][key];` +
    // Threshold −40 dB, 4:1: a key at −27 dBFS RMS takes the music ~10 dB down, clips at
    // −14 LUFS ~17 dB. Fast attack, slower release (no pumping in short pauses).
    `[bed][key]sidechaincompress=threshold=0.01:ratio=4:attack=15:release=350[ducked];` +
    `[voice][ducked]amix=inputs=2:duration=first:normalize=0[mixed]`
  );
}

/**
 * Pure: ffmpeg arguments adding the music to an output already joined by copy (`joined`): the
 * picture is copied again, only the sound is encoded. Metadata and faststart as in assembly.
 */
export function buildMusicArgs(
  joined: string,
  music: MusicSettings,
  profile: OutputProfile,
  durationSeconds: number,
  metadata: Record<string, string>,
  out: string,
): string[] {
  const a = profile.audio;
  const args = ['-protocol_whitelist', 'file', '-i', fileInput(joined)];
  args.push('-protocol_whitelist', 'file', '-stream_loop', '-1', '-i', fileInput(music.path));
  args.push('-filter_complex', musicFilters(music, profile, durationSeconds));
  args.push('-map', '0:v:0', '-map', '[mixed]', '-c:v', 'copy');
  if (profile.video.codec === 'libx265') args.push('-tag:v', 'hvc1');
  args.push('-c:a', a.codec, '-ar', String(a.sampleRate), '-ac', String(a.channels));
  if (a.bitrateKbps !== null) args.push('-b:a', `${a.bitrateKbps}k`);
  args.push('-map_metadata', '-1', '-map_chapters', '-1');
  if (profile.container === 'avi') args.push('-time_base:v', `1/${profile.fps}`);
  else args.push('-movflags', `${profile.faststart ? '+faststart' : ''}+use_metadata_tags`);
  for (const [key, value] of Object.entries(metadataForContainer(profile.container, metadata))) {
    args.push('-metadata', `${key}=${value}`);
  }
  return [...args, '-f', profile.container, '-y', out];
}
