import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDate,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
  MinDate,
} from 'class-validator';
import type { ApiKey } from '@app/database';
import { NoControlCharacters } from '../../common/no-control-characters';
import { API_KEY_SCOPES, type ApiKeyScope } from '../../auth/scopes';

const SCOPES_MESSAGE = `scopes must contain at least one of ${API_KEY_SCOPES.join(', ')}`;

export class CreateApiKeyDto {
  @ApiProperty({ example: 'zapier integration' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @NoControlCharacters()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({
    example: '2027-01-01T00:00:00.000Z',
    description: 'must be in the future',
  })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  @MinDate(() => new Date(), { message: 'expiresAt must be in the future' })
  expiresAt?: Date;

  @ApiProperty({
    enum: API_KEY_SCOPES,
    isArray: true,
    example: ['read', 'jobs'],
    description:
      'what the key may do: read (GET routes), write (create, change, delete, upload), ' +
      'jobs (estimate, start, cancel), billing (purchase, balance, transactions)',
  })
  @IsArray({ message: SCOPES_MESSAGE })
  @ArrayMinSize(1, { message: SCOPES_MESSAGE })
  @ArrayMaxSize(API_KEY_SCOPES.length * 2)
  @IsIn(API_KEY_SCOPES, { each: true, message: SCOPES_MESSAGE })
  scopes!: ApiKeyScope[];
}

export class ApiKeyDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'zapier integration' }) name!: string;
  @ApiProperty({ example: 'k3x9a0b2c4d6', description: 'visible part of the key, to recognise it' })
  prefix!: string;
  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true, example: ['read', 'jobs'] })
  scopes!: ApiKeyScope[];
  @ApiProperty() createdAt!: Date;
  @ApiProperty({ type: String, nullable: true }) expiresAt!: Date | null;
  @ApiProperty({ type: String, nullable: true }) lastUsedAt!: Date | null;
  @ApiProperty({ type: String, nullable: true }) revokedAt!: Date | null;

  static from(k: ApiKey): ApiKeyDto {
    return {
      id: k.id,
      name: k.name,
      prefix: k.prefix,
      scopes: k.scopes as ApiKeyScope[],
      createdAt: k.createdAt,
      expiresAt: k.expiresAt,
      lastUsedAt: k.lastUsedAt,
      revokedAt: k.revokedAt,
    };
  }
}

export class CreatedApiKeyDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() prefix!: string;
  @ApiProperty({
    example: 'vmp_k3x9a0b2c4d6_...',
    description: 'the secret: shown this once, never again',
  })
  key!: string;
  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true, example: ['read', 'jobs'] })
  scopes!: ApiKeyScope[];
  @ApiProperty() createdAt!: Date;
  @ApiProperty({ type: String, nullable: true }) expiresAt!: Date | null;

  static from(k: ApiKey, key: string): CreatedApiKeyDto {
    return {
      id: k.id,
      name: k.name,
      prefix: k.prefix,
      key,
      scopes: k.scopes as ApiKeyScope[],
      createdAt: k.createdAt,
      expiresAt: k.expiresAt,
    };
  }
}
