import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { JOB_STATUSES, type JobStatus } from '@app/contracts';
import type { JobView, OutputView } from '../jobs.repository';

export class OutputDto {
  @ApiProperty({ example: 'cmwv1x2y30000a97d18hs8uu1' }) id!: string;
  @ApiProperty({ example: 'output-0000.mp4' }) filename!: string;
  @ApiProperty({ example: 5242880, description: 'bytes' }) size!: number;
  @ApiProperty({ example: 14.5, description: 'seconds' }) duration!: number;
  @ApiProperty({
    example: { campaign: 'black-friday', jobId: 'cmw...' },
    additionalProperties: { type: 'string' },
  })
  metadata!: Record<string, string>;
  @ApiProperty({ type: [String], description: 'source video ids, in play order' })
  sourceFiles!: string[];
  @ApiProperty({ example: '2026-11-25T10:00:00.000Z' }) createdAt!: Date;
  @ApiProperty({ example: 0, description: 'its combination’s index in the plan' })
  combinationIndex!: number;
  @ApiProperty({
    example: 0,
    description: 'the index of its rendition in the settings’ renditions (0 with one)',
  })
  rendition!: number;

  static from(o: OutputView): OutputDto {
    return {
      id: o.id,
      filename: o.filename,
      size: Number(o.size),
      duration: Number(o.duration),
      metadata: o.metadata as Record<string, string>,
      sourceFiles: o.sourceFiles as string[],
      createdAt: o.createdAt,
      combinationIndex: o.combinationIndex,
      rendition: o.rendition,
    };
  }
}

export class JobDto {
  @ApiProperty({ example: 'cmwv1x2y30000a97d18hs8uu1' }) id!: string;
  @ApiProperty() projectId!: string;
  @ApiProperty({ enum: JOB_STATUSES, example: 'PENDING' }) status!: JobStatus;
  @ApiProperty({ minimum: 0, maximum: 100, example: 0 }) progress!: number;
  @ApiProperty({ example: 10, description: 'outputs this job renders' }) outputCount!: number;
  @ApiProperty({ example: 20, description: 'credits reserved when the job was created' })
  creditsReserved!: number;
  @ApiProperty({ example: 1234567, description: 'the seed of the plan (replays it exactly)' })
  seed!: number;
  @ApiPropertyOptional({ type: String, nullable: true }) startedAt!: Date | null;
  @ApiPropertyOptional({ type: String, nullable: true }) completedAt!: Date | null;
  @ApiPropertyOptional({ type: String, nullable: true }) errorMessage!: string | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty({ type: [OutputDto], description: 'outputs recorded so far' }) outputs!: OutputDto[];
  @ApiProperty({
    example: 0,
    minimum: -10,
    maximum: 10,
    description: "the job's priority within its licence's band on the task queue",
  })
  priority!: number;

  static from(
    job: JobView & { outputs?: OutputView[]; priority?: number; settings?: unknown },
  ): JobDto {
    return {
      id: job.id,
      projectId: job.projectId,
      status: job.status,
      progress: job.progress,
      outputCount: job.outputCount,
      creditsReserved: job.creditsReserved,
      seed: job.seed,
      startedAt: job.startedAt,
      completedAt: job.completedAt,
      errorMessage: job.errorMessage,
      createdAt: job.createdAt,
      outputs: (job.outputs ?? []).map(OutputDto.from),
      priority: job.priority ?? priorityOf(job.settings),
    };
  }
}

export class JobPageDto {
  @ApiProperty({ type: [JobDto] }) items!: JobDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
}

export class EstimateDto {
  @ApiProperty({ example: 20, description: 'credits the job would reserve' }) credits!: number;
  @ApiProperty({
    example: 10,
    description: 'files the job would render: combinations × renditions',
  })
  outputs!: number;
  @ApiProperty({ example: 27, description: 'distinct combinations the project allows' })
  combinationsAvailable!: number;
  @ApiPropertyOptional({
    description: 'why your licence would refuse this job (403 on POST /jobs)',
  })
  licenceProblem?: string;
}

/** The priority frozen in the job's snapshot (absent: 0). */
function priorityOf(settings: unknown): number {
  const value = (settings as { priority?: unknown } | null)?.priority;
  return typeof value === 'number' ? value : 0;
}
