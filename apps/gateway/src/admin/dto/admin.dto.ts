import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsDate,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  NotEquals,
  ValidateIf,
} from 'class-validator';
import { LICENSE_TYPES, USER_ROLES, type LicenseType } from '@app/contracts';
import { PaginationQueryDto } from '../../common/dto/pagination-query.dto';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class AdminUsersQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ description: 'part of the email, any case', example: 'example.com' })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ enum: LICENSE_TYPES })
  @IsOptional()
  @IsIn(LICENSE_TYPES)
  licenseType?: LicenseType;
}

export class AdjustCreditsDto {
  @ApiProperty({
    example: 500,
    description: 'positive grants, negative takes back (never below 0)',
  })
  @IsInt()
  @NotEquals(0)
  @Min(-1_000_000)
  @Max(1_000_000)
  amount!: number;

  @ApiProperty({ example: 'goodwill for the outage of 2026-11-30' })
  @Transform(trim)
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  reason!: string;
}

export class SetLicenceDto {
  @ApiProperty({ enum: LICENSE_TYPES, example: 'PREMIUM' })
  @IsIn(LICENSE_TYPES)
  licenseType!: LicenseType;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '2027-12-31T23:59:59.000Z',
    description: 'null: no expiry (FREE needs none)',
  })
  @ValidateIf((_, v) => v !== null)
  @IsISO8601({ strict: true })
  licenseExpiry!: string | null;

  @ApiPropertyOptional({ example: 'annual contract #1234' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class AuditLogsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ description: 'the acting user id' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/)
  actorId?: string;

  @ApiPropertyOptional({ example: 'licence.changed' })
  @IsOptional()
  @Matches(/^[a-z_.]{1,64}$/)
  action?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'from must be an ISO-8601 time' })
  from?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'to must be an ISO-8601 time' })
  to?: Date;
}

export class AdminUserDto {
  @ApiProperty() id!: string;
  @ApiProperty() email!: string;
  @ApiProperty() firstName!: string;
  @ApiProperty() lastName!: string;
  @ApiProperty({ enum: USER_ROLES }) role!: string;
  @ApiProperty() isActive!: boolean;
  @ApiProperty() credits!: number;
  @ApiProperty({ enum: LICENSE_TYPES }) licenseType!: string;
  @ApiProperty({ type: String, nullable: true }) licenseExpiry!: string | null;
  @ApiProperty() createdAt!: string;
}

export class AdminUserCountsDto {
  @ApiProperty() projects!: number;
  @ApiProperty() apiKeys!: number;
  @ApiProperty() transactions!: number;
}

export class AdminUserDetailDto extends AdminUserDto {
  @ApiProperty({ type: AdminUserCountsDto }) counts!: AdminUserCountsDto;
}

export class AdminUserPageDto {
  @ApiProperty({ type: [AdminUserDto] }) items!: AdminUserDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
}

export class AdjustCreditsResultDto {
  @ApiProperty({ description: 'the balance after' }) credits!: number;
  @ApiProperty({ description: 'credits a take-back asked for but the balance did not hold' })
  shortfall!: number;
  @ApiProperty({ description: 'the ledger entry (type ADJUSTMENT)' })
  transaction!: {
    id: string;
    amount: number;
    type: string;
    description: string;
    createdAt: string;
  };
}

export class LicenceResultDto {
  @ApiProperty({ enum: LICENSE_TYPES }) licenseType!: string;
  @ApiProperty({ type: String, nullable: true }) licenseExpiry!: string | null;
  @ApiProperty({ description: 'false when the user already had exactly this licence' })
  changed!: boolean;
}

export class AuditLogDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'licence.changed' }) action!: string;
  @ApiProperty({ type: String, nullable: true }) actorUserId!: string | null;
  @ApiProperty({ type: String, nullable: true }) actorApiKeyId!: string | null;
  @ApiProperty({ type: String, nullable: true }) targetType!: string | null;
  @ApiProperty({ type: String, nullable: true }) targetId!: string | null;
  @ApiProperty({ type: String, nullable: true }) ip!: string | null;
  @ApiProperty({ type: String, nullable: true }) requestId!: string | null;
  @ApiProperty({ type: Object }) details!: Record<string, unknown>;
  @ApiProperty() createdAt!: string;
}

export class AuditLogPageDto {
  @ApiProperty({ type: [AuditLogDto] }) items!: AuditLogDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
}
