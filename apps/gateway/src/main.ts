import 'dotenv/config';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { GatewayModule } from './gateway.module';
import { configureGatewayApp } from './configure-app';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(GatewayModule, { bufferLogs: true });
  // Structured JSON logs (pino) for everything Nest and the app log.
  app.useLogger(app.get(PinoLogger));
  configureGatewayApp(app);
  const config = app.get(ConfigService);
  const port = config.getOrThrow<number>('PORT');
  await app.listen(port, config.getOrThrow<string>('HOST'));
  const base = config.get<string>('PUBLIC_URL') ?? `http://localhost:${port}`;
  new Logger('Gateway').log(`listening on ${base} - Swagger UI: ${base}/docs`);
}

void bootstrap();
