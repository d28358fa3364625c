import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { EstimateRequest, LicenceCheckRequest, BILLING_SUBJECTS } from '@app/contracts';
import { handleMessage } from '../billing-handlers';
import { PricingService } from './pricing.service';

@Controller()
export class PricingController {
  constructor(private readonly pricing: PricingService) {}

  @MessagePattern(BILLING_SUBJECTS.licenceCheck)
  licenceCheck(@Payload() data: unknown) {
    return handleMessage(LicenceCheckRequest, data, (r) => this.pricing.licenceCheck(r));
  }

  @MessagePattern(BILLING_SUBJECTS.estimate)
  estimate(@Payload() data: unknown) {
    return handleMessage(EstimateRequest, data, (r) => this.pricing.estimate(r));
  }
}
