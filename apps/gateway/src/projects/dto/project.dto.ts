import { ApiProperty, ApiPropertyOptional, PartialType, PickType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { PROJECT_STATUSES, type ProjectStatus } from '@app/contracts';
import type { Project, VideoGroup } from '@app/database';
import { GroupDto } from '../../groups/dto/group.dto';
import { PaginationQueryDto } from '../../common/dto/pagination-query.dto';
import { ProjectSettingsDto } from './project-settings.dto';
import { NoControlCharacters } from '../../common/no-control-characters';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateProjectDto {
  @ApiProperty({ example: 'Black Friday 2026' })
  @Transform(trim)
  @IsString()
  @NoControlCharacters()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ example: 'Hooks × bodies × CTAs for the November push' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiProperty({ type: ProjectSettingsDto })
  @IsObject()
  @ValidateNested()
  @Type(() => ProjectSettingsDto)
  settings!: ProjectSettingsDto;
}

/** Settings given on update replace the stored settings whole (validated again). */
export class UpdateProjectDto extends PartialType(
  PickType(CreateProjectDto, ['name', 'description', 'settings'] as const),
) {}

export class ListProjectsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: PROJECT_STATUSES })
  @IsOptional()
  @IsIn(PROJECT_STATUSES)
  status?: ProjectStatus;
}

export class ProjectCountsDto {
  @ApiProperty({ example: 9 }) videos!: number;
  @ApiProperty({ example: 3 }) groups!: number;
  @ApiProperty({ example: 1 }) jobs!: number;
}

export class ProjectDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'Black Friday 2026' }) name!: string;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty({ enum: PROJECT_STATUSES, example: 'DRAFT' }) status!: string;
  @ApiProperty({ example: 10, description: 'mirrors settings.outputCount' }) outputCount!: number;
  @ApiProperty({ type: ProjectSettingsDto }) settings!: Record<string, unknown>;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
  @ApiPropertyOptional({ type: [GroupDto], description: 'on GET /projects/:id, ordered' })
  groups?: GroupDto[];
  @ApiPropertyOptional({ type: ProjectCountsDto, description: 'on GET /projects/:id' })
  counts?: ProjectCountsDto;

  static from(
    p: Project,
    extra: { groups?: VideoGroup[]; counts?: ProjectCountsDto } = {},
  ): ProjectDto {
    return {
      id: p.id,
      name: p.name,
      description: p.description,
      status: p.status,
      outputCount: p.outputCount,
      settings: p.settings as Record<string, unknown>,
      createdAt: p.createdAt,
      updatedAt: p.updatedAt,
      ...(extra.groups ? { groups: extra.groups.map(GroupDto.from) } : {}),
      ...(extra.counts ? { counts: extra.counts } : {}),
    };
  }
}

export class ProjectPageDto {
  @ApiProperty({ type: [ProjectDto] }) items!: ProjectDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
}
