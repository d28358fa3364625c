import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';

export const MAX_LINK_SECONDS = 7 * 24 * 3600;

export class CreateLinkDto {
  @ApiProperty({ example: 3600, minimum: 1, maximum: MAX_LINK_SECONDS, description: 'seconds' })
  @IsInt()
  @Min(1)
  @Max(MAX_LINK_SECONDS)
  expiresInSeconds!: number;
}

export class SignedLinkDto {
  @ApiProperty({
    example: 'https://api.example.com/api/v1/outputs/cmw.../shared?token=u1.1767225600.abc',
    description: 'works without headers (GET and HEAD, with Range) until expiresAt',
  })
  url!: string;
  @ApiProperty({ example: '2026-12-08T10:00:00.000Z' }) expiresAt!: Date;
}
