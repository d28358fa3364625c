import type { FactoryProvider } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  ClientProxy,
  ClientProxyFactory,
  NatsRecordBuilder,
  Transport,
} from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import type { Reply } from '@app/contracts';
import { natsCredentialsFrom } from './nats-connection.provider';
import { requestIdHeaders } from './request-id-headers';

export const BILLING_CLIENT = Symbol('BILLING_CLIENT');

/** A Nest NATS client for billing's request-reply subjects (gateway and workers use it). */
export const billingClientProvider: FactoryProvider<ClientProxy> = {
  provide: BILLING_CLIENT,
  inject: [ConfigService],
  useFactory: (config: ConfigService) =>
    ClientProxyFactory.create({
      transport: Transport.NATS,
      options: { servers: [config.getOrThrow<string>('NATS_URL')], ...natsCredentialsFrom(config) },
    }),
};

/** Sends one billing request and waits at most `timeoutMs` for its typed reply. */
export function requestBilling<T>(
  client: ClientProxy,
  subject: string,
  payload: object,
  timeoutMs: number,
): Promise<Reply<T>> {
  const hdrs = requestIdHeaders();
  const data = hdrs ? new NatsRecordBuilder(payload).setHeaders(hdrs).build() : payload;
  return firstValueFrom(client.send<Reply<T>>(subject, data).pipe(timeout(timeoutMs)));
}
