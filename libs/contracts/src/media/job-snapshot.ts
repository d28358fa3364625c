import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Min,
  ValidateBy,
  ValidateNested,
  validateSync,
} from 'class-validator';
import { ASPECT_RATIOS, MIXING_MODES, OUTPUT_FORMATS, QUALITIES } from '../enums';
import type { AspectRatio, MixingMode, OutputFormat, Quality } from '../enums';
import { flattenValidationErrors, type FieldProblem } from '../validation';

/** The snapshot version written by this code. Bump it (and teach parseJobSnapshot) on change. */
export const JOB_SNAPSHOT_VERSION = 1 as const;

const isStringMatrix = (value: unknown): boolean =>
  Array.isArray(value) &&
  value.every(
    (row) => Array.isArray(row) && row.length > 0 && row.every((id) => typeof id === 'string'),
  );

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
