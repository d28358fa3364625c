import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
  ValidationArguments,
  registerDecorator,
} from 'class-validator';
import {
  ASPECT_RATIOS,
  DEFAULT_OUTPUT_NAME_TEMPLATE,
  DYNAMIC_FIELDS,
  OUTPUT_FORMATS,
  OUTPUT_NAME_TEMPLATE_MAX_LENGTH,
  outputNameTemplateProblem,
  QUALITIES,
  type MixingMode,
  type OutputFormat,
} from '@app/mixing';
import { NoControlCharacters } from '../../common/no-control-characters';

export const METADATA_LIMITS = { keys: 50, keyLength: 64, valueLength: 1024 } as const;

/** A flat object of string values, with bounded key count and sizes (embedded into files). */
function IsStringMap() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isStringMap',
      target: target.constructor,
      propertyName,
      validator: {
        validate(value: unknown) {
          if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
          const entries = Object.entries(value as Record<string, unknown>);
          return (
            entries.length <= METADATA_LIMITS.keys &&
            entries.every(
              ([k, v]) =>
                /^[A-Za-z0-9_.-]{1,64}$/.test(k) &&
                typeof v === 'string' &&
                v.length <= METADATA_LIMITS.valueLength &&
                // eslint-disable-next-line no-control-regex
                !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(v),
            )
          );
        },
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property} must map at most ${METADATA_LIMITS.keys} keys (letters, digits, _ . -, up to ${METADATA_LIMITS.keyLength}) to strings of at most ${METADATA_LIMITS.valueLength} printable characters`,
      },
    });
}

export class MetadataSettingsDto {
  @ApiPropertyOptional({
    example: { campaign: 'black-friday', brand: 'acme' },
    additionalProperties: { type: 'string' },
  })
  @IsOptional()
  @IsStringMap()
  static?: Record<string, string>;

  @ApiPropertyOptional({
    example: true,
    description: 'also embed dynamic fields (sources, combination, job, project, time)',
  })
  @IsOptional()
  @IsBoolean()
  includeDynamic?: boolean;

  @ApiPropertyOptional({
    example: ['jobId', 'combinationIndex'],
    description: `dynamic fields to embed: ${DYNAMIC_FIELDS.join(', ')}`,
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(DYNAMIC_FIELDS.length)
  @IsIn(DYNAMIC_FIELDS as unknown as string[], { each: true })
  fields?: string[];
}

export class GroupSeedDto {
  @ApiProperty({ example: 'Hooks' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @NoControlCharacters()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;

  @ApiProperty({ example: 0 })
  @IsInt()
  @Min(0)
  @Max(10_000)
  order!: number;
}

/** A template of output file names: known placeholders only, bounded length. */
function IsOutputNameTemplate() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isOutputNameTemplate',
      target: target.constructor,
      propertyName,
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && outputNameTemplateProblem(value) === null,
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property} ${
            typeof args?.value === 'string'
              ? outputNameTemplateProblem(args.value)
              : 'must be a string'
          }`,
      },
    });
}

/** `projects.settings`, field by field as in the seed's JSON schema (plus aspectRatio). */
export class ProjectSettingsDto {
  @ApiProperty({ enum: ['AUTO', 'MANUAL'], example: 'MANUAL' })
  @IsIn(['AUTO', 'MANUAL'])
  mixingMode!: MixingMode;

  @ApiProperty({ enum: OUTPUT_FORMATS, example: 'MP4' })
  @IsIn(OUTPUT_FORMATS as unknown as string[])
  outputFormat!: OutputFormat;

  @ApiProperty({ enum: QUALITIES, example: 'HIGH' })
  @IsIn(QUALITIES as unknown as string[])
  quality!: 'LOW' | 'MEDIUM' | 'HIGH' | 'ULTRA';

  @ApiProperty({
    example: 10,
    minimum: 1,
    maximum: 10000,
    description: 'outputs per job (at most MAX_OUTPUT_COUNT, default 500)',
  })
  @IsInt()
  @Min(1)
  @Max(10_000)
  outputCount!: number;

  @ApiPropertyOptional({
    enum: ASPECT_RATIOS,
    example: '9:16',
    description: 'default: the shape of the first group’s first clip',
  })
  @IsOptional()
  @IsIn(ASPECT_RATIOS as unknown as string[])
  aspectRatio?: '16:9' | '9:16' | '1:1' | '4:5';

  @ApiPropertyOptional({ type: MetadataSettingsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => MetadataSettingsDto)
  metadata?: MetadataSettingsDto;

  @ApiPropertyOptional({
    example: '{project}-{index}-{group:Hooks}-{aspect}',
    maxLength: OUTPUT_NAME_TEMPLATE_MAX_LENGTH,
    description: `output file names (default \`${DEFAULT_OUTPUT_NAME_TEMPLATE}\`): placeholders {project}, {index} (zero-padded), {groups} (each group's clip name, joined by -), {group:<name>}, {job}, {date} (YYYY-MM-DD), {aspect} (e.g. 16x9); sanitized to a safe file name with the format's extension, unique within a job`,
  })
  @IsOptional()
  @IsOutputNameTemplate()
  outputNameTemplate?: string;

  @ApiPropertyOptional({
    type: [GroupSeedDto],
    description: 'groups to create with the project (create only)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => GroupSeedDto)
  groups?: GroupSeedDto[];
}
