import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { EstimateRequest, LicenceCheckRequest, natsNames } from '@app/contracts';
import { handleMessage } from '../billing-handlers';
import { PricingService } from './pricing.service';

const SUBJECTS = natsNames().billing;

@Controller()
export class PricingController {
  constructor(private readonly pricing: PricingService) {}

  @MessagePattern(SUBJECTS.licenceCheck)
  licenceCheck(@Payload() data: unknown) {
    return handleMessage(LicenceCheckRequest, data, (r) => this.pricing.licenceCheck(r));
  }

  @MessagePattern(SUBJECTS.estimate)
  estimate(@Payload() data: unknown) {
    return handleMessage(EstimateRequest, data, (r) => this.pricing.estimate(r));
  }
}
