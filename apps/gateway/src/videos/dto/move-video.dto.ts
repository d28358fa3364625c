import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsString, MaxLength, ValidateIf } from 'class-validator';

export class MoveVideoDto {
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'cmwvg7r2k0003a97dq1f0hq2b',
    description: 'the target group; null ungroups the video',
  })
  @IsDefined()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(64)
  groupId!: string | null;
}
