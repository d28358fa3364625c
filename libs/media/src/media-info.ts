/** What the services need to know about a stored video, read by ffprobe. */
export interface MediaInfo {
  durationSeconds: number;
  /** Display size: coded size with width and height swapped for a ±90° rotation. */
  width: number;
  height: number;
  /** Clockwise degrees a player turns the picture: 0, 90, 180 or 270. */
  rotation: 0 | 90 | 180 | 270;
  fps: number;
  hasAudio: boolean;
  formatName: string;
  videoCodec: string;
  audioCodec: string | null;
  /** The first audio stream's own duration when the container gives it (null: no audio). */
  audioDurationSeconds?: number | null;
}
