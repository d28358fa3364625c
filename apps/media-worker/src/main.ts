import 'dotenv/config';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { MediaWorkerModule } from './media-worker.module';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.createApplicationContext(MediaWorkerModule, {
    bufferLogs: true,
  });
  // Structured JSON logs (pino) for everything Nest and the app log.
  app.useLogger(app.get(PinoLogger));
  app.enableShutdownHooks();
  await app.init();
  new Logger('MediaWorker').log(`ready (pid ${process.pid})`);
}

void bootstrap();
