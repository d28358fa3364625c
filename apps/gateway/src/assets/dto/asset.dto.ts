import { ApiProperty } from '@nestjs/swagger';
import type { ProjectAsset } from '@app/database';

export class AssetDto {
  @ApiProperty({ example: 'cmwv1x2y30000a97d18hs8uu1' }) id!: string;
  @ApiProperty({ enum: ['image', 'audio'], example: 'image' }) kind!: 'image' | 'audio';
  @ApiProperty({ example: 'logo.png', description: 'the client file name, for display only' })
  originalName!: string;
  @ApiProperty({ example: 20480, description: 'bytes' }) size!: number;
  @ApiProperty({ enum: ['png', 'jpeg', 'webp', 'mp3', 'aac', 'wav', 'flac'], example: 'png' })
  format!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '512x256',
    description: 'an image’s WIDTHxHEIGHT (null for audio)',
  })
  resolution!: string | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: null,
    description: 'a sound’s seconds (null for images)',
  })
  duration!: number | null;
  @ApiProperty({ example: '2026-11-25T10:00:00.000Z' }) createdAt!: Date;

  static from(a: ProjectAsset): AssetDto {
    return {
      id: a.id,
      kind: a.kind as 'image' | 'audio',
      originalName: a.originalName,
      size: Number(a.size),
      format: a.format,
      resolution: a.resolution,
      duration: a.duration === null ? null : Number(a.duration),
      createdAt: a.createdAt,
    };
  }
}

export class AssetListDto {
  @ApiProperty({ type: [AssetDto] }) items!: AssetDto[];
  @ApiProperty({ example: 2 }) total!: number;
}

export class UploadAssetDto {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description: 'PNG, JPEG or WebP (a logo), or MP3, AAC, WAV or FLAC (music)',
  })
  file!: unknown;
}
