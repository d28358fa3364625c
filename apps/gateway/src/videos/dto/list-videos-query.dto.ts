import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PaginationQueryDto } from '../../common/dto/pagination-query.dto';

export class ListVideosQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ description: 'only this group’s videos; "none" for ungrouped ones' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  groupId?: string;
}
