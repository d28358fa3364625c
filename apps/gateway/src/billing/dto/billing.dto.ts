import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { LICENSE_TYPES, TRANSACTION_TYPES } from '@app/contracts';
import { PaginationQueryDto } from '../../common/dto/pagination-query.dto';

export class PurchaseDto {
  @ApiProperty({ example: 500, minimum: 1, maximum: 1000000 })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  credits!: number;

  @ApiProperty({
    example: 'pi_3Q0x2kLz',
    description: "the payment provider's reference; a replay returns the first transaction",
  })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(/^[\x21-\x7e]+$/, { message: 'paymentReference must be printable ASCII without spaces' })
  paymentReference!: string;
}

export class TransactionsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: TRANSACTION_TYPES })
  @IsOptional()
  @IsIn(TRANSACTION_TYPES)
  type?: (typeof TRANSACTION_TYPES)[number];
}

export class BalanceDto {
  @ApiProperty({ example: 1000 }) credits!: number;
  @ApiProperty({ enum: LICENSE_TYPES }) licenseType!: string;
  @ApiProperty({ type: String, nullable: true, example: '2027-11-25T00:00:00.000Z' })
  licenseExpiry!: string | null;
}

export class TransactionDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: -12, description: 'negative: spent; positive: purchased or refunded' })
  amount!: number;
  @ApiProperty({ enum: TRANSACTION_TYPES }) type!: string;
  @ApiProperty({ example: 'Refund of 4 unused credits of job cmw...' }) description!: string;
  @ApiProperty({ type: String, nullable: true }) jobId!: string | null;
  @ApiProperty() createdAt!: string;
}

export class TransactionPageDto {
  @ApiProperty({ type: [TransactionDto] }) items!: TransactionDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
}
