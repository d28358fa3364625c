import type { INestApplication } from '@nestjs/common';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { natsNames } from '@app/contracts';
import { BillingNatsServer } from '@app/messaging';

export interface TestBilling {
  app: INestApplication;
  close(): Promise<void>;
}

/**
 * The billing service in this process, answering on the test file's NATS prefix with the test
 * file's database. Imported late: @nestjs/config validates the environment at module load.
 */
export async function startBilling(): Promise<TestBilling> {
  const { BillingModule } = await import('../../apps/billing/src/billing.module');
  const moduleRef = await Test.createTestingModule({ imports: [BillingModule] }).compile();
  const app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
  app.connectMicroservice<MicroserviceOptions>(
    {
      strategy: new BillingNatsServer(natsNames().prefix, {
        servers: [process.env.NATS_URL ?? 'nats://127.0.0.1:4222'],
      }),
    },
    { inheritAppConfig: true },
  );
  await app.startAllMicroservices();
  await app.init();
  let closed: Promise<void> | undefined;
  return { app, close: () => (closed ??= app.close()) };
}
