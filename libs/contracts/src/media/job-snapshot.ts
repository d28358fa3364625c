import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  Min,
  ValidateBy,
  ValidateNested,
  validateSync,
} from 'class-validator';
import { ASPECT_RATIOS, MIXING_MODES, OUTPUT_FORMATS, QUALITIES } from '../enums';
import type { AspectRatio, MixingMode, OutputFormat, Quality } from '../enums';
import { flattenValidationErrors, type FieldProblem } from '../validation';
import {
  JOB_PRIORITY_MAX,
  JOB_PRIORITY_MIN,
  TASK_BANDS,
  type TaskBand,
} from './media-task.messages';

/** The snapshot version written by this code. Bump it (and teach parseJobSnapshot) on change. */
export const JOB_SNAPSHOT_VERSION = 1 as const;

const isStringMatrix = (value: unknown): boolean =>
  Array.isArray(value) &&
  value.every(
    (row) => Array.isArray(row) && row.length > 0 && row.every((id) => typeof id === 'string'),
  );

/** Renditions a job may render at most (each one is a full set of outputs). */
export const MAX_RENDITIONS = 4;

/** One shape and format of every output of a job (issue 17). */
export class SnapshotRendition {
  @IsOptional() @IsIn(ASPECT_RATIOS) aspectRatio?: AspectRatio;
  @IsIn(OUTPUT_FORMATS) format!: OutputFormat;
  @IsIn(QUALITIES) quality!: Quality;
  @IsOptional() @IsIn([30, 60, 'source']) fps?: 30 | 60 | 'source';
  @IsOptional() @IsIn(['h264', 'hevc']) codec?: 'h264' | 'hevc';
}

class SnapshotLoudness {
  @IsOptional() @IsNumber() @Min(-70) @Max(-5) targetLufs?: number;
  @IsOptional() @IsNumber() @Min(-9) @Max(0) truePeakDb?: number;
}

class SnapshotFades {
  @IsNumber() @Min(0) @Max(5) seconds!: number;
}

class SnapshotTransition {
  @IsIn(['cut', 'fade', 'crossfade']) type!: 'cut' | 'fade' | 'crossfade';
  @IsOptional() @IsNumber() @Min(0) @Max(5) seconds?: number;
}

/** The logo, by the id of the project's image asset (the worker fetches it). */
export class SnapshotWatermark {
  @IsString() assetId!: string;
  @IsOptional()
  @IsIn(['top-left', 'top-right', 'bottom-left', 'bottom-right'])
  position?: 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';
  @IsOptional() @IsNumber() @Min(0) @Max(1) x?: number;
  @IsOptional() @IsNumber() @Min(0) @Max(1) y?: number;
  @IsOptional() @IsNumber() @Min(0) @Max(1) scale?: number;
  @IsOptional() @IsNumber() @Min(0) @Max(1) opacity?: number;
  @IsOptional() @IsNumber() @Min(0) @Max(0.5) margin?: number;
}

class SnapshotCaptionStyle {
  @IsOptional() @IsNumber() @Min(0) @Max(0.5) fontSize?: number;
  @IsOptional() @IsString() color?: string;
  @IsOptional() @IsBoolean() box?: boolean;
  @IsOptional() @IsIn(['top', 'middle', 'bottom']) position?: 'top' | 'middle' | 'bottom';
}

/** The background music, by the id of the project's audio asset. */
export class SnapshotMusic {
  @IsString() assetId!: string;
  @IsOptional() @IsNumber() @Min(0) @Max(4) volume?: number;
  @IsOptional() @IsBoolean() duck?: boolean;
  @IsOptional() @IsNumber() @Min(0) @Max(30) fadeOutSeconds?: number;
}

class SnapshotFocus {
  @IsNumber() @Min(0) @Max(1) x!: number;
  @IsNumber() @Min(0) @Max(1) y!: number;
}

/** A clip's own creative input, frozen with the job (by video id). */
export class SnapshotClip {
  @IsString() videoId!: string;
  @IsOptional() @IsString() caption?: string;
  @IsOptional() @ValidateNested() @Type(() => SnapshotFocus) focus?: { x: number; y: number };
}

class SnapshotMetadata {
  @IsOptional() @IsObject() static?: Record<string, string>;
  @IsOptional() @IsBoolean() includeDynamic?: boolean;
  @IsOptional() @IsArray() @IsString({ each: true }) fields?: string[];
}

/**
 * What a job renders, frozen in processing_jobs.settings when the gateway creates it: the
 * project's mixing settings and the planned combinations. Workers read only this, so editing
 * the project (groups, settings) while a job runs cannot change what a redelivered job renders,
 * and combination indexes stay stable across workers. Read it back with parseJobSnapshot only.
 */
export class JobSnapshotV1 {
  @IsIn([JOB_SNAPSHOT_VERSION]) version!: typeof JOB_SNAPSHOT_VERSION;
  @IsIn(MIXING_MODES) mixingMode!: MixingMode;
  @IsIn(OUTPUT_FORMATS) outputFormat!: OutputFormat;
  @IsIn(QUALITIES) quality!: Quality;
  @IsOptional() @IsIn(ASPECT_RATIOS) aspectRatio?: AspectRatio;
  @IsOptional()
  @ValidateNested()
  @Type(() => SnapshotMetadata)
  metadata?: { static?: Record<string, string>; includeDynamic?: boolean; fields?: string[] };
  /** Ordered video ids of each output; the index is the output's combination index. */
  @ArrayMinSize(1)
  @ValidateBy({
    name: 'isStringMatrix',
    validator: {
      validate: isStringMatrix,
      defaultMessage: () => 'combinations must be non-empty lists of video ids',
    },
  })
  combinations!: string[][];
  /** Seconds of each output (sum of its clips), as priced at creation. */
  @IsArray() @IsNumber({}, { each: true }) @Min(0, { each: true }) seconds!: number[];
  /** Whose shape sets the default orientation. */
  @IsOptional() @IsString() orientationVideoId?: string;
  /** The project's outputNameTemplate when the job was created (absent: the default). */
  @IsOptional() @IsString() outputNameTemplate?: string;

  // The creative layer (issue 17), all optional: snapshots written before it have none and
  // render as before (one rendition from outputFormat, quality, aspectRatio).
  /** Every output is rendered once per rendition; absent: one, from the fields above. */
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_RENDITIONS)
  @ValidateNested({ each: true })
  @Type(() => SnapshotRendition)
  renditions?: SnapshotRendition[];
  @IsOptional() @ValidateNested() @Type(() => SnapshotLoudness) loudness?: SnapshotLoudness;
  @IsOptional() @IsIn(['pad', 'blur', 'crop']) fill?: 'pad' | 'blur' | 'crop';
  @IsOptional() @ValidateNested() @Type(() => SnapshotFades) fades?: SnapshotFades;
  @IsOptional()
  @ValidateNested()
  @Type(() => SnapshotTransition)
  transition?: SnapshotTransition;
  @IsOptional() @ValidateNested() @Type(() => SnapshotWatermark) watermark?: SnapshotWatermark;
  @IsOptional()
  @ValidateNested()
  @Type(() => SnapshotCaptionStyle)
  captions?: SnapshotCaptionStyle;
  @IsOptional() @ValidateNested() @Type(() => SnapshotMusic) music?: SnapshotMusic;
  /** Captions and focus points of the plan's clips that have any, as when the job was created. */
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => SnapshotClip)
  clips?: SnapshotClip[];

  // The fleet (issue 18): the owner's licence when the job was created, the band its tasks are
  // queued in (absent, in snapshots written before: FREE), and its priority within the band
  // (absent: 0).
  @IsOptional() @IsIn(TASK_BANDS) band?: TaskBand;
  @IsOptional() @IsInt() @Min(JOB_PRIORITY_MIN) @Max(JOB_PRIORITY_MAX) priority?: number;
}

/** Pure: the quality of each rendition the job renders (one: the job's own quality). */
export function renditionQualities(snapshot: Pick<JobSnapshotV1, 'quality' | 'renditions'>) {
  return snapshot.renditions?.length
    ? snapshot.renditions.map((r) => r.quality)
    : [snapshot.quality];
}

/** Pure: the files a job makes: one per combination and rendition. */
export function plannedFileCount(
  snapshot: Pick<JobSnapshotV1, 'quality' | 'renditions' | 'combinations'>,
): number {
  return snapshot.combinations.length * renditionQualities(snapshot).length;
}

/** The current snapshot shape. */
export type JobSnapshot = JobSnapshotV1;

/** What planning produces; `toJobSnapshot` stamps the version. */
export type UnversionedJobSnapshot = Omit<JobSnapshot, 'version'>;

export function toJobSnapshot(plan: UnversionedJobSnapshot): JobSnapshot {
  return { version: JOB_SNAPSHOT_VERSION, ...plan };
}

/** A stored snapshot that cannot be rendered: malformed, or of a version this code does not know. */
export class InvalidJobSnapshotError extends Error {
  constructor(
    readonly reason: 'malformed' | 'unknown-version',
    readonly fields: FieldProblem[],
  ) {
    super(
      `invalid job snapshot (${reason}): ${fields
        .map((f) => `${f.field} (${f.problems.join('; ')})`)
        .join(', ')}`,
    );
    this.name = 'InvalidJobSnapshotError';
  }
}

/**
 * The one way to read processing_jobs.settings. Snapshots written before versioning carry no
 * `version` and have exactly the version 1 shape: they are read as version 1.
 */
export function parseJobSnapshot(json: unknown): JobSnapshot {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new InvalidJobSnapshotError('malformed', [
      { field: '(root)', problems: ['must be an object'] },
    ]);
  }
  const raw = json as Record<string, unknown>;
  const version = raw.version ?? JOB_SNAPSHOT_VERSION;
  if (version !== JOB_SNAPSHOT_VERSION) {
    throw new InvalidJobSnapshotError('unknown-version', [
      { field: 'version', problems: [`unknown version ${JSON.stringify(version)}`] },
    ]);
  }
  const instance = plainToInstance(JobSnapshotV1, { ...raw, version });
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  const problems = flattenValidationErrors(errors);
  if (!problems.length && instance.seconds.length !== instance.combinations.length) {
    problems.push({ field: 'seconds', problems: ['must have one entry per combination'] });
  }
  if (problems.length) throw new InvalidJobSnapshotError('malformed', problems);
  return instance;
}
