import { ApiProperty } from '@nestjs/swagger';
import type { VideoFile } from '@app/database';

export class VideoDto {
  @ApiProperty({ example: 'cmwv1x2y30000a97d18hs8uu1' }) id!: string;
  @ApiProperty({ example: 'hook-1.mp4', description: 'the client file name, for display only' })
  originalName!: string;
  @ApiProperty({ example: 10485760, description: 'bytes' }) size!: number;
  @ApiProperty({ example: 12.48, description: 'seconds' }) duration!: number;
  @ApiProperty({ example: 'mp4', enum: ['mp4', 'mov', 'm4v', 'mkv', 'webm', 'avi', 'ts'] })
  format!: string;
  @ApiProperty({
    example: '1080x1920',
    description: 'WIDTHxHEIGHT as displayed (rotation applied)',
  })
  resolution!: string;
  @ApiProperty({ type: String, nullable: true, example: null }) groupId!: string | null;
  @ApiProperty({ example: '2026-11-25T10:00:00.000Z' }) uploadedAt!: Date;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'Shop the drop',
    description: 'drawn on the clip',
  })
  caption!: string | null;
  @ApiProperty({
    nullable: true,
    example: { x: 0.5, y: 0.3 },
    description: 'the point `fill: crop` keeps in view',
  })
  focus!: { x: number; y: number } | null;

  static from(v: VideoFile): VideoDto {
    return {
      id: v.id,
      originalName: v.originalName,
      size: Number(v.size),
      duration: Number(v.duration),
      format: v.format,
      resolution: v.resolution,
      groupId: v.groupId,
      uploadedAt: v.uploadedAt,
      caption: v.caption ?? null,
      focus: (v.focus as { x: number; y: number } | null) ?? null,
    };
  }
}

export class VideoPageDto {
  @ApiProperty({ type: [VideoDto] }) items!: VideoDto[];
  @ApiProperty({ example: 3 }) total!: number;
  @ApiProperty({ example: 1 }) page!: number;
  @ApiProperty({ example: 20 }) limit!: number;
}

export class UploadVideoDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'the video file (streamed)' })
  file!: unknown;
  @ApiProperty({
    required: false,
    example: 'cmwvg7r2k0003a97dq1f0hq2b',
    description: 'put the video in this group of the project',
  })
  groupId?: string;
}
