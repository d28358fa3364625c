import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AdjustCreditsRequest, BILLING_SUBJECTS, PaymentRefundRequest } from '@app/contracts';
import { handleMessage } from '../billing-handlers';
import { AdjustmentsService } from './adjustments.service';

@Controller()
export class AdjustmentsController {
  constructor(private readonly adjustments: AdjustmentsService) {}

  @MessagePattern(BILLING_SUBJECTS.paymentRefund)
  refundPayment(@Payload() data: unknown) {
    return handleMessage(PaymentRefundRequest, data, (r) => this.adjustments.refundPayment(r));
  }

  @MessagePattern(BILLING_SUBJECTS.adjustCredits)
  adjust(@Payload() data: unknown) {
    return handleMessage(AdjustCreditsRequest, data, (r) => this.adjustments.adjust(r));
  }
}
