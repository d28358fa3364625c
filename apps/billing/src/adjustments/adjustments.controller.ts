import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AdjustCreditsRequest, natsNames, PaymentRefundRequest } from '@app/contracts';
import { handleMessage } from '../billing-handlers';
import { AdjustmentsService } from './adjustments.service';

/** Subjects are read when this file loads: main.ts loads .env first (dotenv/config). */
const SUBJECTS = natsNames().billing;

@Controller()
export class AdjustmentsController {
  constructor(private readonly adjustments: AdjustmentsService) {}

  @MessagePattern(SUBJECTS.paymentRefund)
  refundPayment(@Payload() data: unknown) {
    return handleMessage(PaymentRefundRequest, data, (r) => this.adjustments.refundPayment(r));
  }

  @MessagePattern(SUBJECTS.adjustCredits)
  adjust(@Payload() data: unknown) {
    return handleMessage(AdjustCreditsRequest, data, (r) => this.adjustments.adjust(r));
  }
}
