import { ApiProperty, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import type { VideoGroup } from '@app/database';
import { GroupSeedDto } from '../../projects/dto/project-settings.dto';

export class CreateGroupDto extends GroupSeedDto {}

export class UpdateGroupDto extends PartialType(GroupSeedDto) {}

export class GroupOrderDto {
  @ApiProperty({ example: 'cmwvg7r2k0003a97dq1f0hq2b' }) @IsString() @MaxLength(64) id!: string;
  @ApiProperty({ example: 0 }) @IsInt() @Min(0) @Max(10_000) order!: number;
}

export class ReorderGroupsDto {
  @ApiProperty({
    type: [GroupOrderDto],
    description: 'new orders, applied together in one transaction',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => GroupOrderDto)
  groups!: GroupOrderDto[];
}

export class GroupDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'Hooks' }) name!: string;
  @ApiProperty({ example: 0 }) order!: number;
  @ApiProperty() projectId!: string;
  @ApiProperty() createdAt!: Date;

  static from(g: VideoGroup): GroupDto {
    return {
      id: g.id,
      name: g.name,
      order: g.order,
      projectId: g.projectId,
      createdAt: g.createdAt,
    };
  }
}
