import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import {
  ASPECT_RATIOS,
  OUTPUT_FORMATS,
  QUALITIES,
  type AspectRatio,
  type OutputFormat,
  type Quality,
} from '@app/contracts';

export class PlanRequestDto {
  @ApiPropertyOptional({
    description: 'seed of the plan (default: a random one, answered); start the job with it',
    minimum: 0,
    maximum: 2147483647,
    example: 1234567,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2147483647)
  seed?: number;
}

export class PlannedClipDto {
  @ApiProperty({ type: String, nullable: true, example: 'cmwgroup0000a97d18hs8uu1' })
  groupId!: string | null;
  @ApiProperty({ example: 'Hooks' }) groupName!: string;
  @ApiProperty({ example: 'cmwvideo0000a97d18hs8uu1' }) videoId!: string;
  @ApiProperty({ example: 'hook-1.mp4' }) originalName!: string;
}

export class PlannedCombinationDto {
  @ApiProperty({ example: 0, description: 'the combination index (the output index)' })
  index!: number;
  @ApiProperty({
    example: 'Summer-0000-hook-1-cta-2.mp4',
    description:
      'the output file name (in the first rendition); {job} shows as "job" until the job exists',
  })
  name!: string;
  @ApiProperty({
    type: [String],
    example: ['Summer-0000-hook-1-cta-2-r0.mp4', 'Summer-0000-hook-1-cta-2-r1.mp4'],
    description:
      'the file name in each rendition, by rendition index (with several, each ends in -r<index>)',
  })
  names!: string[];
  @ApiProperty({ example: 14.5 }) durationSeconds!: number;
  @ApiProperty({ type: [PlannedClipDto], description: 'in play order' }) clips!: PlannedClipDto[];
}

export class PlannedRenditionDto {
  @ApiProperty({ example: 0, description: 'its index: each output carries it as `rendition`' })
  index!: number;
  @ApiProperty({
    enum: ASPECT_RATIOS,
    example: '9:16',
    description: 'the rendition’s, else the project’s, else the shape of the first group’s clip',
  })
  aspectRatio!: AspectRatio;
  @ApiProperty({ enum: OUTPUT_FORMATS, example: 'MP4' }) format!: OutputFormat;
  @ApiProperty({ enum: QUALITIES, example: 'HIGH' }) quality!: Quality;
  @ApiProperty({ enum: [30, 60, 'source'], example: 30, description: 'as set (default 30)' })
  fps!: 30 | 60 | 'source';
  @ApiProperty({ enum: ['h264', 'hevc'], example: 'h264' }) codec!: 'h264' | 'hevc';
}

export class PlanDto {
  @ApiProperty({ example: 1234567, description: 'POST /projects/:id/jobs {seed} renders this' })
  seed!: number;
  @ApiProperty({ example: 20, description: 'credits the job would reserve' }) credits!: number;
  @ApiProperty({
    type: [PlannedRenditionDto],
    description: 'every combination is rendered once in each (one without settings.renditions)',
  })
  renditions!: PlannedRenditionDto[];
  @ApiProperty({ type: [PlannedCombinationDto] }) combinations!: PlannedCombinationDto[];
}

export class StreamTokenDto {
  @ApiProperty({ description: 'pass as ?token= to GET /jobs/:id/events' }) token!: string;
  @ApiProperty({ example: '2026-12-01T10:05:00.000Z' }) expiresAt!: Date;
}

export class ManifestOutputDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 0 }) index!: number;
  @ApiProperty({ example: 'Summer-0000-hook-1-cta-2.mp4' }) name!: string;
  @ApiProperty({ example: 14.5 }) durationSeconds!: number;
  @ApiProperty({ example: 5242880 }) size!: number;
  @ApiProperty({ example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' })
  sha256!: string;
  @ApiProperty({ type: [PlannedClipDto], description: 'in play order' }) clips!: PlannedClipDto[];
  @ApiProperty({ additionalProperties: { type: 'string' }, example: { campaign: 'summer' } })
  metadata!: Record<string, string>;
}

export class ManifestDto {
  @ApiProperty() jobId!: string;
  @ApiProperty() projectId!: string;
  @ApiProperty({ example: 'COMPLETED' }) status!: string;
  @ApiProperty({ type: [ManifestOutputDto] }) outputs!: ManifestOutputDto[];
}
