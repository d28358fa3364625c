import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  BalanceRequest,
  BILLING_SUBJECTS,
  PurchaseRequest,
  ReserveForJobRequest,
  SettleJobRequest,
  TransactionsRequest,
} from '@app/contracts';
import { handleMessage } from '../billing-handlers';
import { LedgerService } from './ledger.service';

@Controller()
export class LedgerController {
  constructor(private readonly ledger: LedgerService) {}

  @MessagePattern(BILLING_SUBJECTS.balance)
  balance(@Payload() data: unknown) {
    return handleMessage(BalanceRequest, data, (r) => this.ledger.balance(r.userId));
  }

  @MessagePattern(BILLING_SUBJECTS.purchase)
  purchase(@Payload() data: unknown) {
    return handleMessage(PurchaseRequest, data, (r) => this.ledger.purchase(r));
  }

  @MessagePattern(BILLING_SUBJECTS.reserveForJob)
  reserve(@Payload() data: unknown) {
    return handleMessage(ReserveForJobRequest, data, (r) => this.ledger.reserveForJob(r));
  }

  @MessagePattern(BILLING_SUBJECTS.settleJob)
  settle(@Payload() data: unknown) {
    return handleMessage(SettleJobRequest, data, (r) => this.ledger.settleJob(r));
  }

  @MessagePattern(BILLING_SUBJECTS.transactions)
  transactions(@Payload() data: unknown) {
    return handleMessage(TransactionsRequest, data, (r) => this.ledger.transactions(r));
  }
}
