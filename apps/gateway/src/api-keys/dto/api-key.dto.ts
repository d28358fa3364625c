import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsDate, IsNotEmpty, IsOptional, IsString, MaxLength, MinDate } from 'class-validator';
import type { ApiKey } from '@app/database';
import { NoControlCharacters } from '../../common/no-control-characters';

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
}

export class ApiKeyDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'zapier integration' }) name!: string;
  @ApiProperty({ example: 'k3x9a0b2c4d6', description: 'visible part of the key, to recognise it' })
  prefix!: string;
  @ApiProperty() createdAt!: Date;
  @ApiProperty({ type: String, nullable: true }) expiresAt!: Date | null;
  @ApiProperty({ type: String, nullable: true }) lastUsedAt!: Date | null;
  @ApiProperty({ type: String, nullable: true }) revokedAt!: Date | null;

  static from(k: ApiKey): ApiKeyDto {
    return {
      id: k.id,
      name: k.name,
      prefix: k.prefix,
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
  @ApiProperty() createdAt!: Date;
  @ApiProperty({ type: String, nullable: true }) expiresAt!: Date | null;
}
