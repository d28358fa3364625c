import {
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

import { JOB_STATUSES, type JobStatus } from '../enums';

const JOB_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Published on the media jobs stream (message id = job id, so a republish is deduplicated). */
export class MediaJobMessage {
  @Matches(JOB_ID) jobId!: string;
  /** Carried into the worker's logs so one request can be followed across processes. */
  @IsOptional() @IsString() @MaxLength(128) requestId?: string;
}

/** Core NATS broadcast; the worker running the job stops it. */
export class CancelJobMessage {
  @Matches(JOB_ID) jobId!: string;
}

/** A job's progress or status change, published for Server-Sent Events. */
export class JobEvent {
  @Matches(JOB_ID) jobId!: string;
  @IsIn(JOB_STATUSES) status!: JobStatus;
  @IsInt() @Min(0) @Max(100) progress!: number;
  @IsInt() @Min(0) outputsDone!: number;
  @IsInt() @Min(0) outputsTotal!: number;
  @IsOptional() @IsString() @MaxLength(2000) errorMessage?: string;
  @IsISO8601() at!: string;
}
