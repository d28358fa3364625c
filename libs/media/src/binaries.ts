/** Paths of the system tools; `FFMPEG_PATH` / `FFPROBE_PATH` override the ones on PATH. */
export function ffmpegPath(): string {
  return process.env.FFMPEG_PATH || 'ffmpeg';
}

export function ffprobePath(): string {
  return process.env.FFPROBE_PATH || 'ffprobe';
}

/**
 * Turns a local path into an explicit `file:` URL so a name starting with `-` is never read as
 * an option and a name containing `:` is never read as another protocol.
 */
export function fileInput(path: string): string {
  return `file:${path}`;
}
