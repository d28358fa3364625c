/**
 * What a job renders, frozen in processing_jobs.settings when the gateway creates it: the
 * project's mixing settings and the planned combinations. Workers read only this, so editing
 * the project (groups, settings) while a job runs cannot change what a redelivered job renders,
 * and combination indexes stay stable across workers.
 */
export interface JobSnapshot {
  mixingMode: 'AUTO' | 'MANUAL';
  outputFormat: 'MP4' | 'MOV' | 'AVI';
  quality: 'LOW' | 'MEDIUM' | 'HIGH' | 'ULTRA';
  aspectRatio?: '16:9' | '9:16' | '1:1' | '4:5';
  metadata?: { static?: Record<string, string>; includeDynamic?: boolean; fields?: string[] };
  /** Ordered video ids of each output; the index is the output's combination index. */
  combinations: string[][];
  /** Seconds of each output (sum of its clips), as priced at creation. */
  seconds: number[];
  /** Whose shape sets the default orientation. */
  orientationVideoId?: string;
}
