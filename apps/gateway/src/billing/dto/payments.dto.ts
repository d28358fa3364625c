import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';

export class CheckoutDto {
  @ApiProperty({ example: 'medium', description: 'the id of a pack from GET /billing/packs' })
  @IsString()
  @MaxLength(40)
  @Matches(/^[a-z0-9][a-z0-9-]*$/, { message: 'pack must be a pack id from GET /billing/packs' })
  pack!: string;
}

export class CheckoutSessionDto {
  @ApiProperty({ example: 'https://checkout.stripe.com/c/pay/cs_test_a1b2' }) url!: string;
  @ApiProperty({ example: 'cs_test_a1b2' }) sessionId!: string;
}

export class PaymentPackDto {
  @ApiProperty({ example: 'medium' }) id!: string;
  @ApiProperty({ enum: ['credits', 'licence'] }) kind!: string;
  @ApiProperty({ example: '2,000 credits' }) name!: string;
  @ApiPropertyOptional({ example: 2000, description: 'credit packs: the credits bought' })
  credits?: number;
  @ApiPropertyOptional({ enum: ['PREMIUM', 'ENTERPRISE'], description: 'licence plans' })
  licenseType?: string;
  @ApiPropertyOptional({ enum: ['month', 'year'], description: 'licence plans: billed every' })
  interval?: string;
  @ApiPropertyOptional({ example: 1800, description: "price in the currency's smallest unit" })
  amount?: number;
  @ApiPropertyOptional({ example: 'usd' }) currency?: string;
  @ApiPropertyOptional({ example: 'price_1Q0x2k', description: 'when priced by a Stripe Price' })
  priceId?: string;
}

export class WebhookAckDto {
  @ApiProperty({ example: true }) received!: boolean;
}
