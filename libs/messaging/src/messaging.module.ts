import { DynamicModule, Global, Module } from '@nestjs/common';
import {
  NATS_CONNECTION,
  NATS_NAMES,
  NatsLifecycle,
  natsProviders,
} from './nats-connection.provider';

/** One NATS connection per app (nats.js v3), with the app's subject names. */
@Global()
@Module({})
export class MessagingModule {
  static forApp(appName: string): DynamicModule {
    return {
      module: MessagingModule,
      providers: natsProviders(appName),
      exports: [NATS_CONNECTION, NATS_NAMES, NatsLifecycle],
    };
  }
}
