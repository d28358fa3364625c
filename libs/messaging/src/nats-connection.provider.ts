import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { natsNames, type NatsNames } from '@app/contracts';

export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
export const NATS_NAMES = Symbol('NATS_NAMES');
export const InjectNats = () => Inject(NATS_CONNECTION);
export const InjectNatsNames = () => Inject(NATS_NAMES);

/** The service's NATS user and password (NATS_USER, NATS_PASSWORD); none when unset. */
export interface NatsCredentials {
  user?: string;
  pass?: string;
}

export function natsCredentialsFrom(config: ConfigService): NatsCredentials {
  const user = config.get<string>('NATS_USER') || undefined;
  const pass = config.get<string>('NATS_PASSWORD') || undefined;
  return user ? { user, ...(pass ? { pass } : {}) } : {};
}

export async function connectNats(
  url: string,
  name: string,
  credentials: NatsCredentials = {},
): Promise<NatsConnection> {
  return connect({
    servers: url,
    name,
    ...credentials,
    // Reconnect for ever: a NATS restart must not take the app down.
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1000,
  });
}

/** Drains the shared NATS connection when the app shuts down (in-flight messages finish). */
@Injectable()
export class NatsLifecycle implements OnApplicationShutdown {
  private readonly logger = new Logger('NATS');
  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  isConnected(): boolean {
    return !this.nc.isClosed() && !this.nc.isDraining();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.nc.isClosed()) return;
    try {
      await this.nc.drain();
    } catch (e) {
      this.logger.warn(`drain failed: ${(e as Error).message}`);
    }
  }
}

export const natsProviders = (appName: string) => [
  {
    provide: NATS_CONNECTION,
    inject: [ConfigService],
    useFactory: (config: ConfigService) =>
      connectNats(config.getOrThrow<string>('NATS_URL'), appName, natsCredentialsFrom(config)),
  },
  {
    provide: NATS_NAMES,
    inject: [ConfigService],
    useFactory: (config: ConfigService): NatsNames =>
      natsNames(config.getOrThrow<string>('NATS_PREFIX')),
  },
  NatsLifecycle,
];
