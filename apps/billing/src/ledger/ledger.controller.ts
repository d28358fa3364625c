import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  BalanceRequest,
  natsNames,
  PurchaseRequest,
  ReserveForJobRequest,
  SettleJobRequest,
  TransactionsRequest,
} from '@app/contracts';
import { handleMessage } from '../billing-handlers';
import { LedgerService } from './ledger.service';

/** Subjects are read when this file loads: main.ts loads .env first (dotenv/config). */
const SUBJECTS = natsNames().billing;

@Controller()
export class LedgerController {
  constructor(private readonly ledger: LedgerService) {}

  @MessagePattern(SUBJECTS.balance)
  balance(@Payload() data: unknown) {
    return handleMessage(BalanceRequest, data, (r) => this.ledger.balance(r.userId));
  }

  @MessagePattern(SUBJECTS.purchase)
  purchase(@Payload() data: unknown) {
    return handleMessage(PurchaseRequest, data, (r) => this.ledger.purchase(r));
  }

  @MessagePattern(SUBJECTS.reserveForJob)
  reserve(@Payload() data: unknown) {
    return handleMessage(ReserveForJobRequest, data, (r) => this.ledger.reserveForJob(r));
  }

  @MessagePattern(SUBJECTS.settleJob)
  settle(@Payload() data: unknown) {
    return handleMessage(SettleJobRequest, data, (r) => this.ledger.settleJob(r));
  }

  @MessagePattern(SUBJECTS.transactions)
  transactions(@Payload() data: unknown) {
    return handleMessage(TransactionsRequest, data, (r) => this.ledger.transactions(r));
  }
}
