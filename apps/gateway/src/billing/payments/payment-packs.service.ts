import { BadRequestException, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { parsePaymentPacks, type PaymentPack } from '@app/config';

/** The credit packs and licence plans on offer (BILLING_PACKS, validated at boot). */
@Injectable()
export class PaymentPacksService {
  readonly all: PaymentPack[];

  constructor(config: ConfigService) {
    this.all = parsePaymentPacks(config.get<string>('BILLING_PACKS'));
  }

  byId(id: string): PaymentPack {
    const pack = this.all.find((p) => p.id === id);
    if (!pack) {
      throw new BadRequestException({
        message: `unknown pack "${id}"; the packs are: ${this.all.map((p) => p.id).join(', ')}`,
        details: [
          { field: 'pack', problems: [`must be one of ${this.all.map((p) => p.id).join(', ')}`] },
        ],
      });
    }
    return pack;
  }

  /** The licence a subscription's price stands for, when the plan names a Stripe price. */
  licenceOfPrice(priceId: string): PaymentPack | undefined {
    return this.all.find((p) => p.kind === 'licence' && p.priceId === priceId);
  }
}
