import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsNumber,
  IsObject,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { NoControlCharacters } from '../../common/no-control-characters';

/** Where `fill: crop` keeps the picture: 0..1 across and down (0.5, 0.5 is the centre). */
export class FocusPointDto {
  @ApiProperty({ example: 0.5, minimum: 0, maximum: 1 })
  @IsNumber()
  @Min(0)
  @Max(1)
  x!: number;

  @ApiProperty({ example: 0.3, minimum: 0, maximum: 1 })
  @IsNumber()
  @Min(0)
  @Max(1)
  y!: number;
}

export const CAPTION_MAX_LENGTH = 500;

/** A video's group, caption and crop focus: each field given is changed, null clears it. */
export class MoveVideoDto {
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'cmwvg7r2k0003a97dq1f0hq2b',
    description: 'the target group; null ungroups the video; absent leaves it',
  })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsString()
  @MaxLength(64)
  groupId?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'Shop the drop — today only',
    maxLength: CAPTION_MAX_LENGTH,
    description: 'text drawn on this clip (Unicode, right-to-left shaped); null removes it',
  })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsString()
  @NoControlCharacters()
  @MaxLength(CAPTION_MAX_LENGTH)
  caption?: string | null;

  @ApiPropertyOptional({
    type: FocusPointDto,
    nullable: true,
    example: { x: 0.5, y: 0.3 },
    description: 'the point `fill: crop` keeps in view (default the centre); null resets it',
  })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => FocusPointDto)
  focus?: FocusPointDto | null;
}
