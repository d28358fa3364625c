import { Logger } from '@nestjs/common';
import {
  BillingErrorCode,
  fail,
  InvalidPayloadError,
  ok,
  parsePayload,
  type Reply,
} from '@app/contracts';
import { LedgerError } from './ledger/ledger-errors';

const logger = new Logger('BillingMessages');

/**
 * Every billing message goes through here: the payload is checked against its contract, the
 * work runs, and refusals travel back as typed errors. An unexpected failure (the database is
 * down) is thrown, so the caller sees an error reply and nothing was changed.
 */
export async function handleMessage<C extends object, T>(
  contract: new () => C,
  data: unknown,
  work: (request: C) => Promise<T>,
): Promise<Reply<T>> {
  let request: C;
  try {
    request = parsePayload(contract, data);
  } catch (e) {
    if (e instanceof InvalidPayloadError) {
      return fail(BillingErrorCode.INVALID_REQUEST, e.message, { fields: e.fields });
    }
    throw e;
  }
  try {
    const result = ok(await work(request));
    logger.debug(`${contract.name} done`);
    return result;
  } catch (e) {
    if (e instanceof LedgerError) {
      logger.debug(`${contract.name} refused: ${e.code}`);
      return fail(e.code, e.message, e.details);
    }
    logger.error(`${contract.name} failed: ${(e as Error).stack ?? e}`);
    throw e;
  }
}
