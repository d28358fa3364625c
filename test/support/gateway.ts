import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { OpenAPIObject } from '@nestjs/swagger';

export interface TestGateway {
  app: INestApplication;
  /** The http.Server to hand to supertest. */
  server: ReturnType<INestApplication['getHttpServer']>;
  openApi: OpenAPIObject;
  close(): Promise<void>;
}

/**
 * The real gateway app (real database, real NATS), configured exactly as main.ts does. Imported
 * late on purpose: @nestjs/config validates the environment when the module is loaded, and the
 * test file sets DATABASE_URL (createTestDatabase) before that.
 */
export async function startGateway(): Promise<TestGateway> {
  const { GatewayModule } = await import('../../apps/gateway/src/gateway.module');
  const { configureGatewayApp } = await import('../../apps/gateway/src/configure-app');
  const moduleRef = await Test.createTestingModule({ imports: [GatewayModule] }).compile();
  const app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
  const openApi = configureGatewayApp(app);
  await app.init();
  return { app, server: app.getHttpServer(), openApi, close: () => app.close() };
}
