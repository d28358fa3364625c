/** One block of ffmpeg's `-progress` output, reduced to what callers need. */
export interface FfmpegProgress {
  outTimeSeconds: number;
  ended: boolean;
}

/**
 * Incremental parser for `-progress pipe:1` (key=value lines, a block ends with `progress=`).
 * Chunks may split lines anywhere, so the tail of a chunk is kept until its newline arrives.
 */
export class ProgressParser {
  private pending = '';
  private outTimeUs = 0;

  constructor(private readonly onBlock: (progress: FfmpegProgress) => void) {}

  push(chunk: string): void {
    const lines = (this.pending + chunk).split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.line(line.trim());
  }

  private line(line: string): void {
    const eq = line.indexOf('=');
    if (eq < 0) return;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (key === 'out_time_us' || key === 'out_time_ms') {
      // ffmpeg 5 prints microseconds under both names (out_time_ms is a historical misnomer).
      const us = Number(value);
      if (Number.isFinite(us) && us >= 0) this.outTimeUs = us;
    } else if (key === 'progress') {
      this.onBlock({ outTimeSeconds: this.outTimeUs / 1e6, ended: value === 'end' });
    }
  }
}
