import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsHexColor,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
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
import { MAX_RENDITIONS } from '@app/contracts';
import { NoControlCharacters } from '../../common/no-control-characters';

const CORNERS = ['top-left', 'top-right', 'bottom-left', 'bottom-right'] as const;

/** HEVC is written to MP4 and MOV only: refused on an AVI rendition (400 naming the codec). */
function HevcNotInAvi() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'hevcNotInAvi',
      target: target.constructor,
      propertyName,
      validator: {
        validate: (value: unknown, args?: ValidationArguments) =>
          !(value === 'hevc' && (args?.object as { format?: unknown })?.format === 'AVI'),
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property} hevc is written to MP4 and MOV only, not AVI`,
      },
    });
}

/** One shape and format of every output (issue 17). */
export class RenditionDto {
  @ApiPropertyOptional({
    enum: ASPECT_RATIOS,
    example: '9:16',
    description: 'default: the project’s aspectRatio, else the first group’s first clip',
  })
  @IsOptional()
  @IsIn(ASPECT_RATIOS as unknown as string[])
  aspectRatio?: '16:9' | '9:16' | '1:1' | '4:5';

  @ApiProperty({ enum: OUTPUT_FORMATS, example: 'MP4' })
  @IsIn(OUTPUT_FORMATS as unknown as string[])
  format!: OutputFormat;

  @ApiProperty({ enum: QUALITIES, example: 'HIGH', description: 'priced per rendition' })
  @IsIn(QUALITIES as unknown as string[])
  quality!: 'LOW' | 'MEDIUM' | 'HIGH' | 'ULTRA';

  @ApiPropertyOptional({
    enum: [30, 60, 'source'],
    example: 30,
    description: '30 (default); 60 where the sources have it; source = min(sources, 60)',
  })
  @IsOptional()
  @IsIn([30, 60, 'source'])
  fps?: 30 | 60 | 'source';

  @ApiPropertyOptional({
    enum: ['h264', 'hevc'],
    example: 'h264',
    description: 'h264 (default) or hevc (hvc1-tagged; MP4 and MOV only)',
  })
  @IsOptional()
  @IsIn(['h264', 'hevc'])
  @HevcNotInAvi()
  codec?: 'h264' | 'hevc';
}

export class LoudnessDto {
  @ApiPropertyOptional({
    example: -14,
    minimum: -70,
    maximum: -5,
    description: 'LUFS (default −14)',
  })
  @IsOptional()
  @IsNumber()
  @Min(-70)
  @Max(-5)
  targetLufs?: number;

  @ApiPropertyOptional({ example: -1, minimum: -9, maximum: 0, description: 'dBTP (default −1)' })
  @IsOptional()
  @IsNumber()
  @Min(-9)
  @Max(0)
  truePeakDb?: number;
}

export class FadesDto {
  @ApiProperty({ example: 0.15, minimum: 0, maximum: 5, description: 'at each clip edge' })
  @IsNumber()
  @Min(0)
  @Max(5)
  seconds!: number;
}

export class TransitionDto {
  @ApiProperty({ enum: ['cut', 'fade', 'crossfade'], example: 'crossfade' })
  @IsIn(['cut', 'fade', 'crossfade'])
  type!: 'cut' | 'fade' | 'crossfade';

  @ApiPropertyOptional({ example: 0.3, minimum: 0, maximum: 5, description: 'default 0.3' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(5)
  seconds?: number;
}

export class WatermarkDto {
  @ApiProperty({
    example: 'clx0logo00000000000000000',
    description: 'an image asset of the project',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  assetId!: string;

  @ApiPropertyOptional({
    enum: CORNERS,
    example: 'bottom-right',
    description: 'default bottom-right',
  })
  @IsOptional()
  @IsIn(CORNERS as unknown as string[])
  position?: (typeof CORNERS)[number];

  @ApiPropertyOptional({
    example: 0.5,
    minimum: 0,
    maximum: 1,
    description: 'instead of a corner, with y',
  })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  x?: number;

  @ApiPropertyOptional({
    example: 0.1,
    minimum: 0,
    maximum: 1,
    description: 'instead of a corner, with x',
  })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  y?: number;

  @ApiPropertyOptional({
    example: 0.15,
    minimum: 0,
    maximum: 1,
    description: 'logo width / output width',
  })
  @IsOptional()
  @IsNumber()
  @Min(0.01)
  @Max(1)
  scale?: number;

  @ApiPropertyOptional({ example: 0.8, minimum: 0, maximum: 1 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  opacity?: number;

  @ApiPropertyOptional({
    example: 0.03,
    minimum: 0,
    maximum: 0.5,
    description: 'fraction of the width',
  })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(0.5)
  margin?: number;
}

export class CaptionStyleDto {
  @ApiPropertyOptional({
    example: 0.05,
    minimum: 0.01,
    maximum: 0.5,
    description: 'of the shorter side',
  })
  @IsOptional()
  @IsNumber()
  @Min(0.01)
  @Max(0.5)
  fontSize?: number;

  @ApiPropertyOptional({ example: '#FFFFFF', description: '#RRGGBB (default white)' })
  @IsOptional()
  @IsHexColor()
  @MaxLength(7)
  color?: string;

  @ApiPropertyOptional({ example: true, description: 'a translucent box behind the text' })
  @IsOptional()
  @IsBoolean()
  box?: boolean;

  @ApiPropertyOptional({ enum: ['top', 'middle', 'bottom'], example: 'bottom' })
  @IsOptional()
  @IsIn(['top', 'middle', 'bottom'])
  position?: 'top' | 'middle' | 'bottom';
}

export class MusicDto {
  @ApiProperty({
    example: 'clx0music0000000000000000',
    description: 'an audio asset of the project',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  assetId!: string;

  @ApiPropertyOptional({
    example: 0.3,
    minimum: 0,
    maximum: 4,
    description: 'linear gain (default 0.3)',
  })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(4)
  volume?: number;

  @ApiPropertyOptional({
    example: true,
    description: 'lower it while the clips sound (default true)',
  })
  @IsOptional()
  @IsBoolean()
  duck?: boolean;

  @ApiPropertyOptional({ example: 1, minimum: 0, maximum: 30, description: 'seconds (default 1)' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(30)
  fadeOutSeconds?: number;
}

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
    type: [RenditionDto],
    example: [
      { aspectRatio: '9:16', format: 'MP4', quality: 'HIGH' },
      { aspectRatio: '1:1', format: 'MP4', quality: 'HIGH' },
    ],
    description: `every output in each rendition (1 to ${MAX_RENDITIONS}; default one, from outputFormat, quality and aspectRatio); price and licence count each file`,
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_RENDITIONS)
  @ValidateNested({ each: true })
  @Type(() => RenditionDto)
  renditions?: RenditionDto[];

  @ApiPropertyOptional({
    type: LoudnessDto,
    example: { targetLufs: -14 },
    description: 'EBU R128 normalization of every clip',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => LoudnessDto)
  loudness?: LoudnessDto;

  @ApiPropertyOptional({
    enum: ['pad', 'blur', 'crop'],
    example: 'blur',
    description:
      'a clip of another shape: bars (default), over a blurred copy, or cropped at its focus',
  })
  @IsOptional()
  @IsIn(['pad', 'blur', 'crop'])
  fill?: 'pad' | 'blur' | 'crop';

  @ApiPropertyOptional({ type: FadesDto, example: { seconds: 0.15 } })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => FadesDto)
  fades?: FadesDto;

  @ApiPropertyOptional({ type: TransitionDto, example: { type: 'crossfade', seconds: 0.3 } })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TransitionDto)
  transition?: TransitionDto;

  @ApiPropertyOptional({
    type: WatermarkDto,
    example: {
      assetId: 'clx0logo00000000000000000',
      position: 'top-right',
      scale: 0.15,
      opacity: 0.8,
    },
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => WatermarkDto)
  watermark?: WatermarkDto;

  @ApiPropertyOptional({
    type: CaptionStyleDto,
    example: { fontSize: 0.05, color: '#FFFFFF', box: true, position: 'bottom' },
    description: 'how each clip’s caption is drawn',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CaptionStyleDto)
  captions?: CaptionStyleDto;

  @ApiPropertyOptional({
    type: MusicDto,
    example: { assetId: 'clx0music0000000000000000', volume: 0.3, duck: true },
    description: 'background music under every output',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => MusicDto)
  music?: MusicDto;

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
