import { BillingErrorCode } from '@app/contracts';

/** A refusal of the ledger, carried to the caller as a typed error reply. */
export class LedgerError extends Error {
  constructor(
    readonly code: BillingErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'LedgerError';
  }
}
