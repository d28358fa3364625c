import 'dotenv/config';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { natsNames } from '@app/contracts';
import { BillingNatsServer, natsCredentialsFrom } from '@app/messaging';
import { BillingModule } from './billing.module';

/** Billing answers NATS request-reply messages; a small HTTP side serves health and metrics. */
async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(BillingModule, { bufferLogs: true });
  // Structured JSON logs (pino) for everything Nest and the app log.
  app.useLogger(app.get(PinoLogger));
  const config = app.get(ConfigService);
  const names = natsNames(config.getOrThrow<string>('NATS_PREFIX'));
  app.connectMicroservice<MicroserviceOptions>(
    {
      strategy: new BillingNatsServer(names.prefix, {
        servers: [config.getOrThrow<string>('NATS_URL')],
        ...natsCredentialsFrom(config),
      }),
    },
    { inheritAppConfig: true },
  );
  app.enableShutdownHooks();
  await app.startAllMicroservices();
  await app.listen(config.getOrThrow<number>('BILLING_PORT'), '127.0.0.1');
  new Logger('Billing').log(
    `answering on ${names.prefix}.billing.* (queue ${names.billing.queue})`,
  );
}

void bootstrap();
