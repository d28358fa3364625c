import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  NotFoundException,
  OnApplicationShutdown,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { ClientProxy } from '@nestjs/microservices';
import { BillingErrorCode, type NatsNames, type ReplyError } from '@app/contracts';
import { BILLING_CLIENT, InjectNatsNames, requestBilling } from '@app/messaging';

type Subject = keyof Omit<NatsNames['billing'], 'queue'>;

/** Billing's typed errors as HTTP, mapped in this one place. */
function toHttp(error: ReplyError): HttpException {
  const body = { message: error.message, ...(error.details ? { details: error.details } : {}) };
  switch (error.code) {
    case BillingErrorCode.INSUFFICIENT_CREDITS:
      return new HttpException({ ...body, error: 'Payment Required' }, HttpStatus.PAYMENT_REQUIRED);
    case BillingErrorCode.LICENCE_LIMIT:
    case BillingErrorCode.LICENCE_EXPIRED:
      return new ForbiddenException(body);
    case BillingErrorCode.NOT_FOUND:
      return new NotFoundException(body);
    case BillingErrorCode.CONFLICT:
      return new ConflictException(body);
    default:
      return new BadRequestException(body);
  }
}

/**
 * The gateway's way to billing: NATS request-reply with a bounded wait. Billing down or slow
 * answers 503 within BILLING_TIMEOUT_MS; spending is idempotent by job id or payment
 * reference, so a client's retry can never charge twice.
 */
@Injectable()
export class BillingClient implements OnApplicationShutdown {
  private readonly timeoutMs: number;

  constructor(
    @Inject(BILLING_CLIENT) private readonly client: ClientProxy,
    @InjectNatsNames() private readonly names: NatsNames,
    config: ConfigService,
  ) {
    this.timeoutMs = config.getOrThrow<number>('BILLING_TIMEOUT_MS');
  }

  async request<T>(subject: Subject, payload: object): Promise<T> {
    let reply;
    try {
      reply = await requestBilling<T>(
        this.client,
        this.names.billing[subject],
        payload,
        this.timeoutMs,
      );
    } catch {
      throw new ServiceUnavailableException(
        'billing is unavailable; nothing was charged, try again',
      );
    }
    if (!reply.ok) throw toHttp(reply.error);
    return reply.data;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
