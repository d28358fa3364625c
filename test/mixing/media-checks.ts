import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { FfmpegRunner, ffmpegPath, ffprobePath } from '@app/media';

const run = promisify(execFile);

export interface StreamReport {
  codec_type: string;
  codec_name: string;
  width?: number;
  height?: number;
  r_frame_rate?: string;
  pix_fmt?: string;
  sample_aspect_ratio?: string;
  sample_rate?: string;
  channels?: number;
}

export async function streamsOf(
  path: string,
): Promise<{ streams: StreamReport[]; tags: Record<string, string> }> {
  const { stdout } = await run(ffprobePath(), [
    '-v',
    'error',
    '-print_format',
    'json',
    '-show_streams',
    '-show_format',
    path,
  ]);
  const json = JSON.parse(stdout) as {
    streams: StreamReport[];
    format: { tags?: Record<string, string> };
  };
  return { streams: json.streams, tags: json.format.tags ?? {} };
}

/**
 * Where a stream's last packet ends, in seconds (works for AVI, whose PCM track has no
 * duration), and how many packets it has.
 */
export async function packetsOf(
  path: string,
  stream: 'v' | 'a',
): Promise<{ end: number; count: number }> {
  const { stdout } = await run(
    ffprobePath(),
    [
      '-v',
      'error',
      '-select_streams',
      `${stream}:0`,
      '-show_entries',
      'packet=pts_time,dts_time,duration_time',
      '-of',
      'csv=p=0',
      path,
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  let end = 0;
  const lines = stdout.trim().split('\n');
  for (const line of lines) {
    // AVI packets carry no pts, only a dts.
    const [pts, dts, duration] = line.split(',').map((v) => (v === 'N/A' ? NaN : Number(v)));
    const at = Number.isFinite(pts) ? pts : dts;
    if (Number.isFinite(at)) end = Math.max(end, at + (Number.isFinite(duration) ? duration : 0));
  }
  return { end, count: lines.length };
}

/** What a full decode complains about; '' for a clean file. */
export async function decodeErrors(path: string): Promise<string> {
  try {
    const { stderr } = await run(ffmpegPath(), [
      '-v',
      'error',
      '-xerror',
      '-i',
      path,
      '-f',
      'null',
      '-',
    ]);
    return stderr.trim();
  } catch (error) {
    return String((error as { stderr?: string }).stderr ?? error);
  }
}

/** An ffmpeg runner that counts its runs. */
export class CountingRunner extends FfmpegRunner {
  runs = 0;

  override run(...args: Parameters<FfmpegRunner['run']>): ReturnType<FfmpegRunner['run']> {
    this.runs += 1;
    return super.run(...args);
  }
}
